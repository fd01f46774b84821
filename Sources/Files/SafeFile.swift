#if canImport(Glibc)
import Glibc
#endif
import Foundation

/// A file operation that failed, said in one sentence with its path.
public struct FileError: Error, CustomStringConvertible, Sendable {
    public let path: String
    public let reason: String

    public init(path: String, reason: String) {
        self.path = path
        self.reason = reason
    }

    init(path: String, errno code: Int32) {
        self.init(path: path, reason: SafeFile.describe(code))
    }

    public var description: String { "\(path): \(reason)" }
}

/// Every file flamegate creates goes through here, so that nobody who can
/// write the destination directory (a shared CI workspace, /tmp) can make it
/// write somewhere else: no predictable temporary name, no symbolic link
/// followed at the last component, no existing file (or hard link) truncated.
public enum SafeFile {
    /// Writes `data` to `path` atomically: a new file with an unpredictable
    /// name, created with O_EXCL|O_NOFOLLOW in the destination directory,
    /// flushed, then renamed over the destination. A reader sees the old file
    /// or the new one, never half of one; a symbolic link at `path` is
    /// replaced, not followed.
    /// `durable: false` skips the fsync, for files that matter only while
    /// this machine is up.
    public static func write(_ data: Data, to path: String, durable: Bool = true) throws {
        let url = URL(fileURLWithPath: path)
        let directory = url.deletingLastPathComponent().path
        let name = url.lastPathComponent
        if isDirectory(path) { throw FileError(path: path, reason: "is a directory; expected a file name") }
        try createDirectory(directory)
        let dirFD = open(directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard dirFD >= 0 else { throw FileError(path: directory, errno: errno) }
        defer { close(dirFD) }
        let (fd, temporary) = try createUnique(in: dirFD, directory: directory, prefix: ".\(name).", suffix: ".tmp")
        do {
            try writeAll(data, to: fd, path: path)
            guard !durable || fsync(fd) == 0 else { throw FileError(path: path, errno: errno) }
            close(fd)
            guard renameat(dirFD, temporary, dirFD, name) == 0 else { throw FileError(path: path, errno: errno) }
        } catch {
            close(fd)
            unlinkat(dirFD, temporary, 0)
            throw error
        }
    }

    public static func write(_ text: String, to path: String, durable: Bool = true) throws {
        try write(Data(text.utf8), to: path, durable: durable)
    }

    /// Opens `path` for writing without following a planted link: a
    /// regular file or symbolic link at that name (perhaps a hard or symbolic
    /// link planted by someone who can write the directory) is unlinked and a
    /// new file created with O_EXCL|O_NOFOLLOW, so a name re-planted in
    /// between fails instead of being followed. A device, FIFO or socket
    /// (`/dev/null`, a pipe) is opened as it is, never removed. Returns the
    /// descriptor (close-on-exec).
    public static func createReplacing(_ path: String, mode: mode_t = 0o644) throws -> Int32 {
        var st = stat()
        if lstat(path, &st) == 0 {
            switch st.st_mode & S_IFMT {
            case S_IFDIR:
                throw FileError(path: path, reason: "is a directory; expected a file name")
            case S_IFREG, S_IFLNK:
                if unlink(path) != 0, errno != ENOENT { throw FileError(path: path, errno: errno) }
            default:
                let fd = open(path, O_WRONLY | O_NOFOLLOW | O_CLOEXEC)
                guard fd >= 0 else { throw FileError(path: path, errno: errno) }
                return fd
            }
        }
        let fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode)
        guard fd >= 0 else { throw FileError(path: path, errno: errno) }
        return fd
    }

    /// A new directory with a unique name (mkdtemp) in the temporary
    /// directory, mode 0700: `PREFIX` followed by six random characters.
    public static func temporaryDirectory(prefix: String) throws -> URL {
        let base = FileManager.default.temporaryDirectory.path
        var template = Array("\(base)/\(prefix)XXXXXX".utf8CString)
        guard let made = template.withUnsafeMutableBufferPointer({ mkdtemp($0.baseAddress!) }) else {
            throw FileError(path: "\(base)/\(prefix)XXXXXX", errno: errno)
        }
        return URL(fileURLWithPath: String(cString: made), isDirectory: true)
    }

    /// A new file with a unique name (mkstemps, then close-on-exec) in the temporary
    /// directory, mode 0600; returns its descriptor and path.
    public static func temporaryFile(prefix: String, suffix: String = "") throws -> (fd: Int32, path: String) {
        let base = FileManager.default.temporaryDirectory.path
        var template = Array("\(base)/\(prefix)XXXXXX\(suffix)".utf8CString)
        let fd = template.withUnsafeMutableBufferPointer {
            mkstemps($0.baseAddress!, Int32(suffix.utf8.count))
        }
        guard fd >= 0 else { throw FileError(path: "\(base)/\(prefix)XXXXXX\(suffix)", errno: errno) }
        _ = fcntl(fd, F_SETFD, FD_CLOEXEC)
        return (fd, template.withUnsafeBufferPointer { String(cString: $0.baseAddress!) })
    }

    /// Checks, before any work, that `path` can later be written: not a
    /// directory, and its directory exists (or can be created) and is
    /// writable. Throws the sentence a user needs.
    public static func checkWritable(_ path: String) throws {
        if isDirectory(path) { throw FileError(path: path, reason: "is a directory; expected a file name") }
        var directory = URL(fileURLWithPath: path).deletingLastPathComponent().path
        // the nearest existing ancestor is the one that must be writable
        while !FileManager.default.fileExists(atPath: directory), directory != "/" {
            directory = URL(fileURLWithPath: directory).deletingLastPathComponent().path
        }
        if !isDirectory(directory) { throw FileError(path: directory, reason: "is not a directory") }
        if access(directory, W_OK | X_OK) != 0 { throw FileError(path: directory, errno: errno) }
    }

    public static func isDirectory(_ path: String) -> Bool {
        var st = stat()
        return stat(path, &st) == 0 && (st.st_mode & S_IFMT) == S_IFDIR
    }

    static func createDirectory(_ path: String) throws {
        guard !isDirectory(path) else { return }
        do {
            try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        } catch {
            throw FileError(path: path, reason: "cannot create the directory (\((error as NSError).localizedFailureReason ?? "\(error)"))")
        }
    }

    static func createUnique(in dirFD: Int32, directory: String, prefix: String, suffix: String) throws -> (Int32, String) {
        for _ in 0..<64 {
            let random = (0..<12).map { _ in "0123456789abcdefghijklmnopqrstuvwxyz".randomElement()! }
            let name = prefix + String(random) + suffix
            let fd = openat(dirFD, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o644)
            if fd >= 0 { return (fd, name) }
            if errno != EEXIST { throw FileError(path: "\(directory)/\(name)", errno: errno) }
        }
        throw FileError(path: directory, reason: "cannot create a unique temporary file")
    }

    static func writeAll(_ data: Data, to fd: Int32, path: String) throws {
        try data.withUnsafeBytes { (buffer: UnsafeRawBufferPointer) in
            var offset = 0
            while offset < buffer.count {
                let n = Glibc.write(fd, buffer.baseAddress! + offset, buffer.count - offset)
                if n < 0 {
                    if errno == EINTR { continue }
                    throw FileError(path: path, errno: errno)
                }
                offset += n
            }
        }
    }

    static func describe(_ code: Int32) -> String {
        switch code {
        case ELOOP: return "is a symbolic link; flamegate does not write through one"
        case EEXIST: return "exists and cannot be replaced"
        default: return String(cString: strerror(code)).lowercased()
        }
    }
}
