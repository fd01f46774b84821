#if canImport(Glibc)
import Glibc
#endif
import Foundation

/// The files a target is about to map at start, so their unwind tables are
/// built before it runs: the executable (or a script's interpreter) and the
/// shared libraries the dynamic loader will load for it, as `ld.so --list`
/// resolves them (RUNPATH, `$ORIGIN`, the loader cache, LD_LIBRARY_PATH and
/// LD_PRELOAD of the target's environment). Libraries opened later with
/// dlopen get their tables when the kernel side first meets them.
enum UnwindPreparation {
    static let loader = "/lib64/ld-linux-x86-64.so.2"
    /// The environment variables that change what the loader maps.
    static let loaderVariables = ["LD_LIBRARY_PATH", "LD_PRELOAD"]

    static func files(executable: String, environment: [String: String]?) -> [String] {
        let program = interpreter(ofScript: executable, environment: environment) ?? executable
        var files = [program]
        guard FileManager.default.isExecutableFile(atPath: loader) else { return files }
        var command = "env"
        let env = environment ?? ProcessInfo.processInfo.environment
        for key in loaderVariables {
            if let value = env[key] { command += " \(key)=\(quoted(value))" }
        }
        command += " \(quoted(loader)) --list \(quoted(program)) 2>/dev/null"
        guard let pipe = popen(command, "r") else { return files }
        defer { pclose(pipe) }
        var line = [CChar](repeating: 0, count: 4096)
        while fgets(&line, Int32(line.count), pipe) != nil {
            let text = String(decoding: line.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
                .trimmingCharacters(in: .whitespacesAndNewlines)
            if let path = libraryPath(text), !files.contains(path) { files.append(path) }
        }
        return files
    }

    /// The path in one line of `ld.so --list`: `libx.so => /path (0x…)` or `/path (0x…)`.
    static func libraryPath(_ line: String) -> String? {
        var rest = Substring(line)
        if let arrow = line.range(of: "=> ") { rest = line[arrow.upperBound...] }
        guard rest.hasPrefix("/"), let paren = rest.range(of: " (0x") else { return nil }
        return String(rest[..<paren.lowerBound])
    }

    /// A `#!` script's interpreter (through `/usr/bin/env NAME` and PATH).
    static func interpreter(ofScript path: String, environment: [String: String]?) -> String? {
        guard let handle = FileHandle(forReadingAtPath: path) else { return nil }
        defer { try? handle.close() }
        let head = handle.readData(ofLength: 256)
        guard head.starts(with: Array("#!".utf8)),
              let text = String(data: head.dropFirst(2), encoding: .utf8)?.split(separator: "\n").first else { return nil }
        let words = text.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
        guard var program = words.first else { return nil }
        if program.hasSuffix("/env"), words.count > 1 {
            let name = words[1]
            let search = (environment ?? ProcessInfo.processInfo.environment)["PATH"] ?? "/usr/bin:/bin"
            guard let found = search.split(separator: ":").map({ "\($0)/\(name)" })
                .first(where: { FileManager.default.isExecutableFile(atPath: $0) }) else { return nil }
            program = found
        }
        return program
    }

    static func quoted(_ s: String) -> String {
        "'" + s.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }
}
