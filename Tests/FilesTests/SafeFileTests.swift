import Files
import Foundation
import Testing

/// A shared, sticky, world-writable directory (like /tmp) where another user
/// planted symbolic links, with the kernel's fs.protected_symlinks off (as on
/// hosts that disable it): flamegate, running as root, must not write through
/// them.
@Suite(.serialized) struct SafeFileTests {
    let dir: URL
    let victim: URL

    init() throws {
        dir = URL(fileURLWithPath: NSTemporaryDirectory()).appendingPathComponent("safefile-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        chmod(dir.path, 0o1777)
        victim = dir.appendingPathComponent("victim")
        try Data("precious\n".utf8).write(to: victim)
    }

    /// Plants `name` → victim, owned by `nobody` when running as root.
    func plant(_ name: String) {
        let link = dir.appendingPathComponent(name).path
        symlink(victim.path, link)
        if getuid() == 0 { lchown(link, 65534, 65534) }
    }

    func victimText() throws -> String { try String(contentsOf: victim, encoding: .utf8) }

    @Test func atomicWriteIgnoresPlantedTemporaryNamesAndDestination() throws {
        let previous = ProtectedSymlinks.set("0")
        defer { ProtectedSymlinks.restore(previous) }
        // the names the old code used: ".NAME.PID.tmp" for this and the next pids
        for pid in getpid()..<(getpid() + 50) { plant(".results.json.\(pid).tmp") }
        plant("results.json")
        let destination = dir.appendingPathComponent("results.json").path
        try SafeFile.write("{\"ok\": true}\n", to: destination)
        #expect(try victimText() == "precious\n")
        var st = stat()
        #expect(lstat(destination, &st) == 0 && (st.st_mode & S_IFMT) == S_IFREG)
        #expect(try String(contentsOfFile: destination, encoding: .utf8) == "{\"ok\": true}\n")
        // no temporary file is left behind
        let planted = Set((getpid()..<(getpid() + 50)).map { ".results.json.\($0).tmp" })
        let left = try FileManager.default.contentsOfDirectory(atPath: dir.path).filter { $0.hasSuffix(".tmp") }
        #expect(Set(left) == planted)
    }

    @Test func targetOutputReplacesPlantedLinksInsteadOfFollowingThem() throws {
        let previous = ProtectedSymlinks.set("0")
        defer { ProtectedSymlinks.restore(previous) }
        plant("target.stdout")
        link(victim.path, dir.appendingPathComponent("target.stderr").path)
        for name in ["target.stdout", "target.stderr"] {
            let fd = try SafeFile.createReplacing(dir.appendingPathComponent(name).path)
            _ = "output\n".withCString { write(fd, $0, 7) }
            close(fd)
        }
        #expect(try victimText() == "precious\n")
        #expect(try String(contentsOf: dir.appendingPathComponent("target.stdout"), encoding: .utf8) == "output\n")
    }

    /// A device is written to, never replaced: an earlier version unlinked
    /// whatever was at the name and turned /dev/null into a regular file.
    @Test func devicesAndFIFOsAreOpenedNotReplaced() throws {
        var st = stat()
        if getuid() == 0 {
            // a null device of the test's own (mknod as root), not the machine's /dev/null
            let null = dir.appendingPathComponent("null").path
            #expect(mknod(null, S_IFCHR | 0o666, dev_t((1 << 8) | 3)) == 0)
            let fd = try SafeFile.createReplacing(null)
            #expect(write(fd, "x", 1) == 1)
            close(fd)
            #expect(stat(null, &st) == 0 && (st.st_mode & S_IFMT) == S_IFCHR, "the device is still a device")
        }
        let fifo = dir.appendingPathComponent("fifo").path
        #expect(mkfifo(fifo, 0o600) == 0)
        let reader = open(fifo, O_RDONLY | O_NONBLOCK)
        defer { close(reader) }
        let writer = try SafeFile.createReplacing(fifo)
        close(writer)
        #expect(lstat(fifo, &st) == 0 && (st.st_mode & S_IFMT) == S_IFIFO)
    }

    @Test func directoryAsDestinationIsOneSentence() throws {
        let error = #expect(throws: FileError.self) { try SafeFile.write("x", to: dir.path) }
        #expect(error?.description == "\(dir.path): is a directory; expected a file name")
        #expect(throws: FileError.self) { try SafeFile.checkWritable(dir.path) }
        try SafeFile.checkWritable(dir.appendingPathComponent("new/sub/report.json").path)
    }

    @Test func temporaryNamesAreUniqueAndPrivate() throws {
        let a = try SafeFile.temporaryDirectory(prefix: "flamegate-test-\(getpid())-")
        let b = try SafeFile.temporaryDirectory(prefix: "flamegate-test-\(getpid())-")
        defer { try? FileManager.default.removeItem(at: a); try? FileManager.default.removeItem(at: b) }
        #expect(a != b)
        var st = stat()
        #expect(stat(a.path, &st) == 0 && st.st_mode & 0o777 == 0o700)
        // a directory planted at the old fixed build-log name does not matter
        let planted = URL(fileURLWithPath: NSTemporaryDirectory()).appendingPathComponent("flamegate-build-\(getpid()).log")
        try? FileManager.default.createDirectory(at: planted, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: planted) }
        let log = try SafeFile.temporaryFile(prefix: "flamegate-build-\(getpid())-", suffix: ".log")
        close(log.fd)
        defer { unlink(log.path) }
        #expect(log.path.hasSuffix(".log") && log.path != planted.path)
        #expect(fcntl(open(log.path, O_RDONLY), F_GETFD) >= 0)
    }
}

/// fs.protected_symlinks, set for a test and restored after (root only).
enum ProtectedSymlinks {
    static let path = "/proc/sys/fs/protected_symlinks"

    static func set(_ value: String) -> String? {
        guard getuid() == 0, let old = try? String(contentsOfFile: path, encoding: .utf8) else { return nil }
        try? value.write(toFile: path, atomically: false, encoding: .utf8)
        return old.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    static func restore(_ old: String?) {
        if let old { try? old.write(toFile: path, atomically: false, encoding: .utf8) }
    }
}
