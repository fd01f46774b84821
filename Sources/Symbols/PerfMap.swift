import Foundation
import Model

/// The symbols a JIT compiler or an interpreter writes for the code it
/// generates, in perf's `/tmp/perf-PID.map` format: one `START SIZE name`
/// line per code range, addresses in hex (Node `--perf-basic-prof`, CPython
/// 3.12+ `-X perf`, .NET `DOTNET_PerfMapEnabled`, the JVM's perf-map-agent).
/// A later line for the same range wins, as V8 re-emits code it moves.
public struct PerfMap: Sendable {
    struct Entry: Sendable {
        let start: UInt64
        let end: UInt64
        let name: String
    }

    /// Sorted by start; overlapping ranges keep the line written last.
    private let entries: [Entry]
    /// Lines that were not `START SIZE name`.
    public let malformedLines: Int

    public var count: Int { entries.count }

    public init(text: String) {
        var parsed: [(entry: Entry, line: Int)] = []
        var malformed = 0
        for (number, line) in text.split(separator: "\n", omittingEmptySubsequences: true).enumerated() {
            let fields = line.split(separator: " ", maxSplits: 2, omittingEmptySubsequences: true)
            guard fields.count == 3, let start = UInt64(fields[0], radix: 16), let size = UInt64(fields[1], radix: 16),
                  size > 0 else {
                malformed += 1
                continue
            }
            parsed.append((Entry(start: start, end: start &+ size, name: String(fields[2])), number))
        }
        // the latest line first among equal starts, then drop what it covers
        parsed.sort { $0.entry.start != $1.entry.start ? $0.entry.start < $1.entry.start : $0.line > $1.line }
        var kept: [(entry: Entry, line: Int)] = []
        for item in parsed {
            if let last = kept.last, item.entry.start < last.entry.end {
                if item.line > last.line { kept[kept.count - 1] = item }
                continue
            }
            kept.append(item)
        }
        entries = kept.map(\.entry)
        malformedLines = malformed
    }

    /// The map of process `pid`, if it wrote one.
    public static func load(pid: Int32, directory: String = "/tmp") -> PerfMap? {
        guard let text = try? String(contentsOfFile: path(pid: pid, directory: directory), encoding: .utf8) else {
            return nil
        }
        return PerfMap(text: text)
    }

    public static func path(pid: Int32, directory: String = "/tmp") -> String {
        "\(directory)/perf-\(pid).map"
    }

    /// The raw name of the code range holding `address`.
    public func name(at address: UInt64) -> String? {
        var low = 0, high = entries.count
        while low < high {
            let mid = (low + high) / 2
            if entries[mid].start <= address { low = mid + 1 } else { high = mid }
        }
        guard low > 0, address < entries[low - 1].end else { return nil }
        return entries[low - 1].name
    }

    /// A perf-map name as a frame a reader of the source recognises, one
    /// frame per function whatever its compilation tier:
    /// `py::dedupe:/app/app.py` → `dedupe (app.py)` [python];
    /// `JS:*fib /app/hot.js:1:13` (or `LazyCompile:~fib …`) → `fib (hot.js:1)`
    /// [js]; anything else as written (tier markers dropped) [jit].
    public static func frame(_ raw: String) -> Frame {
        if raw.hasPrefix("py::") {
            let body = raw.dropFirst(4)
            // the qualified name holds no ':'; the file may (`<frozen …>` does not)
            guard let colon = body.firstIndex(of: ":") else {
                return Frame(name: String(body), module: Frame.pythonModule, kind: .user, resolved: true)
            }
            let file = body[body.index(after: colon)...]
            return Frame(name: "\(body[..<colon]) (\(basename(file)))", module: Frame.pythonModule, kind: .user,
                         resolved: true)
        }
        for prefix in ["JS:", "LazyCompile:", "Function:", "Script:"] where raw.hasPrefix(prefix) {
            var body = raw.dropFirst(prefix.count)
            if let tier = body.first, "~*^+".contains(tier) { body = body.dropFirst() }
            let parts = body.split(separator: " ", maxSplits: 1, omittingEmptySubsequences: false)
            let function = parts.first.map(String.init).flatMap { $0.isEmpty ? nil : $0 } ?? "(anonymous)"
            guard parts.count == 2, !parts[1].isEmpty else {
                return Frame(name: function, module: Frame.javaScriptModule, kind: .user, resolved: true)
            }
            // FILE:LINE:COLUMN → file basename and line
            var location = parts[1].split(separator: ":", omittingEmptySubsequences: false)
            if location.count >= 3, Int(location[location.count - 1]) != nil { location.removeLast() }
            let line = location.count >= 2 && Int(location[location.count - 1]) != nil ? location.removeLast() : nil
            let file = basename(location.joined(separator: ":")[...])
            let place = line.map { "\(file):\($0)" } ?? file
            return Frame(name: "\(function) (\(place))", module: Frame.javaScriptModule, kind: .user, resolved: true)
        }
        var name = Substring(raw)
        if let colon = name.firstIndex(of: ":"), name[..<colon].allSatisfy({ $0.isLetter }) {
            // V8's Builtin:Name, BytecodeHandler:Name, Stub:Name
            let kind = name[..<colon]
            var rest = name[name.index(after: colon)...]
            if let tier = rest.first, "~*^+".contains(tier) { rest = rest.dropFirst() }
            name = kind == "Builtin" || kind == "BytecodeHandler" ? rest : Substring("\(kind):\(rest)")
        }
        return Frame(name: String(name), module: Frame.jitModule, kind: .user, resolved: true)
    }

    private static func basename(_ path: Substring) -> String {
        path.split(separator: "/").last.map(String.init) ?? String(path)
    }
}
