import CFlamegateBPF
import Model
import Foundation

/// The sampling shim flamegate carries inside its binary (built by the
/// Makefile from `Sources/CFlamegateBPF/preload/fg_alloc_preload.c`), written
/// out once per content into a directory only this user can write to. A file
/// already there with the same content is reused, never replaced: uprobes
/// attach to its inode, and a target started by another flamegate must map
/// the same one.
public enum AllocPreload {
    /// Writes the shim if needed; returns its path.
    public static func install(directory: URL = defaultDirectory) throws -> String {
        var size = 0
        let image = fg_alloc__preload_image(&size)!
        let bytes = Data(bytes: image, count: size)
        let hash = FNV1a.hash(bytes)
        try prepare(directory)
        let url = directory.appendingPathComponent("libflamegate-alloc-\(String(hash, radix: 16)).so")
        if let existing = try? Data(contentsOf: url), existing == bytes { return url.path }
        let temporary = directory.appendingPathComponent(".\(url.lastPathComponent).\(getpid())")
        do {
            try bytes.write(to: temporary)
            chmod(temporary.path, 0o644)
            // link() fails on an existing name: a concurrent flamegate's file stays in place
            if link(temporary.path, url.path) != 0, errno != EEXIST {
                throw ProbeError.failed(operation: "installing the allocation sampling shim at \(url.path)",
                                        errno: errno, detail: "")
            }
        } catch let error as ProbeError {
            unlink(temporary.path)
            throw error
        } catch {
            unlink(temporary.path)
            throw ProbeError.unavailable("writing the allocation sampling shim into \(directory.path): \(error)")
        }
        unlink(temporary.path)
        guard let written = try? Data(contentsOf: url), written == bytes else {
            throw ProbeError.unavailable("\(url.path) exists with other content; remove it")
        }
        return url.path
    }

    /// `/tmp/flamegate-<euid>`: readable by targets running as other users, writable only by us.
    public static var defaultDirectory: URL {
        FileManager.default.temporaryDirectory.appendingPathComponent("flamegate-\(geteuid())")
    }

    /// Creates the directory, or checks that an existing one is ours and not a symlink.
    static func prepare(_ directory: URL) throws {
        if mkdir(directory.path, 0o755) != 0, errno != EEXIST {
            throw ProbeError.failed(operation: "creating \(directory.path) for the allocation sampling shim",
                                    errno: errno, detail: "")
        }
        var info = stat()
        guard lstat(directory.path, &info) == 0, info.st_mode & S_IFMT == S_IFDIR, info.st_uid == geteuid(),
              info.st_mode & 0o022 == 0 else {
            throw ProbeError.unavailable("\(directory.path) is not a directory owned by uid \(geteuid()) and "
                + "writable only by it; remove it so flamegate can create it")
        }
    }
}
