import Foundation

/// Paths and helpers the test suites share.
public enum TestPaths {
    /// The package root, found from this file's location.
    public static let root: URL = {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<3 { url.deleteLastPathComponent() } // Tests/TestSupport/TestSupport.swift
        return url
    }()

    public static let fixtures = root.appendingPathComponent("Tests/Fixtures")
    public static let targets = root.appendingPathComponent("scenarios/targets")
    /// The debug build of the CLI, built by `swift build --build-tests`.
    public static let flamegate = root.appendingPathComponent(".build/debug/flamegate")

    /// A fresh temporary directory.
    public static func temporaryDirectory(_ label: String) -> URL {
        let url = FileManager.default.temporaryDirectory
            .appendingPathComponent("flamegate-test-\(label)-\(getpid())-\(UUID().uuidString.prefix(8))")
        try? FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }
}

/// What the privileged tests need, with the reason when it is missing.
public enum Privileges {
    public static var isRoot: Bool { geteuid() == 0 }

    public static func hasCommand(_ name: String) -> Bool {
        (try? Command.run(["/bin/sh", "-c", "command -v \(name)"]))?.status == 0
    }
}

/// Result of running a command to completion.
public struct CommandResult: Sendable {
    public var status: Int32
    public var stdout: String
    public var stderr: String
}

public enum CommandError: Error, CustomStringConvertible {
    case failed(String, CommandResult)
    public var description: String {
        switch self {
        case let .failed(cmd, r): return "\(cmd) exited \(r.status)\nstdout: \(r.stdout)\nstderr: \(r.stderr)"
        }
    }
}

public enum Command {
    /// Runs argv[0] (a path) with the arguments and waits, capturing output.
    @discardableResult
    public static func run(_ argv: [String], environment: [String: String]? = nil, cwd: URL? = nil,
                           stdin: String? = nil) throws -> CommandResult {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: argv[0])
        process.arguments = Array(argv.dropFirst())
        if let environment { process.environment = environment }
        if let cwd { process.currentDirectoryURL = cwd }
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        if let stdin {
            let input = Pipe()
            process.standardInput = input
            input.fileHandleForWriting.write(Data(stdin.utf8))
            try? input.fileHandleForWriting.close()
        } else {
            process.standardInput = FileHandle.nullDevice
        }
        try process.run()
        // read both pipes concurrently so neither fills up and blocks the child
        let group = DispatchGroup()
        nonisolated(unsafe) var outData = Data(), errData = Data()
        group.enter()
        DispatchQueue.global().async {
            outData = out.fileHandleForReading.readDataToEndOfFile()
            group.leave()
        }
        errData = err.fileHandleForReading.readDataToEndOfFile()
        group.wait()
        process.waitUntilExit()
        return CommandResult(status: process.terminationStatus,
                             stdout: String(decoding: outData, as: UTF8.self),
                             stderr: String(decoding: errData, as: UTF8.self))
    }

    /// Runs and throws unless the exit status is 0.
    @discardableResult
    public static func check(_ argv: [String], cwd: URL? = nil) throws -> CommandResult {
        let r = try run(argv, cwd: cwd)
        guard r.status == 0 else { throw CommandError.failed(argv.joined(separator: " "), r) }
        return r
    }
}

/// Compiles fixture programs once per test process.
public enum Fixtures {
    public static let cflags = ["-O2", "-g", "-fno-omit-frame-pointer", "-mno-omit-leaf-frame-pointer"]
    private static let lock = NSLock()
    nonisolated(unsafe) private static var built: [String: URL] = [:]
    private static let dir = TestPaths.temporaryDirectory("fixtures")

    /// Builds a C program from scenarios/targets or Tests/Fixtures.
    public static func c(_ name: String, extra: [String] = []) throws -> URL {
        try cached("c:\(name):\(extra)") {
            let source = [TestPaths.fixtures, TestPaths.targets]
                .map { $0.appendingPathComponent("\(name).c") }
                .first { FileManager.default.fileExists(atPath: $0.path) }!
            let out = dir.appendingPathComponent(name + (extra.isEmpty ? "" : "-\(extra.count)"))
            try Command.check(["/usr/bin/gcc"] + cflags + ["-pthread", "-o", out.path, source.path] + extra + ["-lm", "-ldl"])
            return out
        }
    }

    /// Builds a shared library from Tests/Fixtures/NAME.c as libNAME.so.
    public static func sharedLibrary(_ name: String) throws -> URL {
        try cached("so:\(name)") {
            let out = dir.appendingPathComponent("lib\(name).so")
            try Command.check(["/usr/bin/gcc"] + cflags + ["-shared", "-fPIC", "-o", out.path,
                               TestPaths.fixtures.appendingPathComponent("\(name).c").path])
            return out
        }
    }

    /// Builds a Swift program from Tests/Fixtures/NAME.swift.
    public static func swift(_ name: String) throws -> URL {
        try cached("swift:\(name)") {
            let out = dir.appendingPathComponent(name)
            let swiftc = ["/opt/swift/usr/bin/swiftc", "/usr/bin/swiftc"].first {
                FileManager.default.isExecutableFile(atPath: $0)
            } ?? "/opt/swift/usr/bin/swiftc"
            try Command.check([swiftc, "-O", "-g", "-module-name", name, "-o", out.path,
                               TestPaths.fixtures.appendingPathComponent("\(name).swift").path])
            return out
        }
    }

    private static func cached(_ key: String, _ build: () throws -> URL) throws -> URL {
        lock.lock()
        defer { lock.unlock() }
        if let url = built[key] { return url }
        let url = try build()
        built[key] = url
        return url
    }
}

/// Interpreters installed on the test machines.
public enum Interpreters {
    /// pyenv's CPython 3.12: links libpython, built without frame pointers.
    public static let python312 = pyenv("3.12")
    public static let python313 = pyenv("3.13")

    /// The newest pyenv CPython of a minor version (`3.12`).
    public static func pyenv(_ minor: String) -> String? {
        let root = "/root/.pyenv/versions"
        let versions = (try? FileManager.default.contentsOfDirectory(atPath: root)) ?? []
        return versions.filter { $0.hasPrefix(minor + ".") }
            .sorted { $0.compare($1, options: .numeric) == .orderedAscending }.last
            .map { "\(root)/\($0)/bin/python\(minor)" }
            .flatMap { FileManager.default.isExecutableFile(atPath: $0) ? $0 : nil }
    }

    public static let node: String? = ["/usr/bin/node", "/usr/local/bin/node"]
        .first { FileManager.default.isExecutableFile(atPath: $0) }

    /// py-spy, installed by `make test` into .output/pyspy.
    public static let pySpy: String? = {
        let path = TestPaths.root.appendingPathComponent(".output/pyspy/bin/py-spy").path
        return FileManager.default.isExecutableFile(atPath: path) ? path : nil
    }()
}
