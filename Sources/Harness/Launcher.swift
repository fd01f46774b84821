import CFlamegateBPF
import Files
import Foundation

/// How to start a target.
public struct LaunchSpec: Sendable {
    public var command: [String]
    /// Full environment; nil inherits flamegate's.
    public var environment: [String: String]?
    public var workingDirectory: String?
    /// File fed to stdin; nil inherits.
    public var stdinPath: String?
    /// Files that receive stdout/stderr; nil passes them through.
    public var stdoutPath: String?
    public var stderrPath: String?

    public init(command: [String], environment: [String: String]? = nil, workingDirectory: String? = nil,
                stdinPath: String? = nil, stdoutPath: String? = nil, stderrPath: String? = nil) {
        self.command = command
        self.environment = environment
        self.workingDirectory = workingDirectory
        self.stdinPath = stdinPath
        self.stdoutPath = stdoutPath
        self.stderrPath = stderrPath
    }
}

/// A target forked and held before execve in its own process group.
public final class HeldProcess: @unchecked Sendable {
    public let pid: Int32
    public let executable: String
    private var releaseFD: Int32
    private var errorFD: Int32

    /// Forks the child; it waits for `release()` before exec'ing.
    public init(_ spec: LaunchSpec) throws {
        guard let name = spec.command.first, !name.isEmpty else {
            throw HarnessError.spawnFailed("", reason: "empty command")
        }
        let cwd = spec.workingDirectory
        // a directory the child cannot enter would end it before it is released,
        // and every probe attaching to it would fail with a misleading error
        if let cwd, !Self.isDirectory(cwd) {
            let reason = access(cwd, F_OK) != 0 ? errnoString(errno) : "not a directory"
            throw HarnessError.spawnFailed(name, reason: "working directory \(cwd): \(reason)")
        }
        let path = try HeldProcess.resolve(name, cwd: cwd, environment: spec.environment)
        executable = path
        var files: [Int32] = []
        defer { files.forEach { close($0) } }
        func openFile(_ path: String?, write: Bool) throws -> Int32 {
            guard let path else { return -1 }
            let fd: Int32
            if write {
                do {
                    fd = try SafeFile.createReplacing(path)
                } catch let error as FileError {
                    throw HarnessError.spawnFailed(name, reason: error.description)
                }
            } else {
                fd = open(path, O_RDONLY | O_CLOEXEC)
                guard fd >= 0 else {
                    throw HarnessError.spawnFailed(name, reason: "\(path): \(errnoString(errno))")
                }
            }
            files.append(fd)
            return fd
        }
        let stdinFD = try openFile(spec.stdinPath, write: false)
        let stdoutFD = try openFile(spec.stdoutPath, write: true)
        let stderrFD = spec.stderrPath == spec.stdoutPath ? stdoutFD : try openFile(spec.stderrPath, write: true)

        let env = (spec.environment ?? ProcessInfo.processInfo.environment).map { "\($0.key)=\($0.value)" }
        let argv = CStringArray(spec.command)
        let envp = CStringArray(env)
        var pid: pid_t = 0
        var release: Int32 = -1
        var error: Int32 = -1
        let result: Int32 = path.withCString { cPath in
            withOptionalCString(cwd) { cCwd in
                var opts = fg_spawn_opts(path: cPath, argv: argv.pointer, envp: envp.pointer, cwd: cCwd,
                                         stdin_fd: stdinFD, stdout_fd: stdoutFD, stderr_fd: stderrFD)
                return fg_spawn_held(&opts, &pid, &release, &error)
            }
        }
        guard result == 0 else { throw HarnessError.spawnFailed(name, reason: errnoString(-result)) }
        self.pid = pid
        releaseFD = release
        errorFD = error
    }

    deinit {
        // never released: the child sees EOF on its hold pipe and exits 127
        if releaseFD >= 0 { close(releaseFD) }
        if errorFD >= 0 { close(errorFD) }
    }

    /// Lets the child exec; throws when execve (or chdir, or a redirection) failed in the child.
    public func release() throws {
        let result = fg_spawn_release(releaseFD, errorFD)
        releaseFD = -1
        errorFD = -1
        if result < 0 {
            throw HarnessError.notExecutable(executable, reason: errnoString(-result))
        }
    }

    /// Resolves a command name like execvp: a name with a slash is a path
    /// (relative to `cwd`), otherwise the first executable match in PATH.
    public static func resolve(_ name: String, cwd: String?, environment: [String: String]?) throws -> String {
        if name.contains("/") {
            let path = name.hasPrefix("/") || cwd == nil ? name : "\(cwd!)/\(name)"
            try checkExecutable(path)
            return path
        }
        let search = (environment ?? ProcessInfo.processInfo.environment)["PATH"] ?? "/usr/local/bin:/usr/bin:/bin"
        for dir in search.split(separator: ":") {
            let candidate = "\(dir)/\(name)"
            if access(candidate, X_OK) == 0, !isDirectory(candidate) { return candidate }
        }
        throw HarnessError.commandNotFound(name)
    }

    static func checkExecutable(_ path: String) throws {
        if access(path, F_OK) != 0 { throw HarnessError.notExecutable(path, reason: "no such file") }
        if isDirectory(path) { throw HarnessError.notExecutable(path, reason: "is a directory") }
        if access(path, X_OK) != 0 { throw HarnessError.notExecutable(path, reason: "permission denied (not executable)") }
    }

    static func isDirectory(_ path: String) -> Bool {
        var dir: ObjCBool = false
        return FileManager.default.fileExists(atPath: path, isDirectory: &dir) && dir.boolValue
    }
}

/// A NULL-terminated `char *[]` that lives as long as the value.
final class CStringArray {
    let pointer: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>
    private let count: Int

    init(_ strings: [String]) {
        count = strings.count
        pointer = .allocate(capacity: count + 1)
        for (i, s) in strings.enumerated() { pointer[i] = strdup(s) }
        pointer[count] = nil
    }

    deinit {
        for i in 0..<count { free(pointer[i]) }
        pointer.deallocate()
    }
}

func withOptionalCString<R>(_ s: String?, _ body: (UnsafePointer<CChar>?) -> R) -> R {
    guard let s else { return body(nil) }
    return s.withCString { body($0) }
}
