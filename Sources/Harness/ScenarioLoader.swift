import Foundation
import Model
import Yams

/// A parsed scenario and where it came from.
public struct LoadedScenario: Sendable {
    public var scenario: Scenario
    public var file: URL
    /// Commands, `cwd`, `stdin` and `build` are relative to this directory.
    public var directory: URL { file.deletingLastPathComponent() }
}

/// A scenario file error at file:line:column.
public struct ScenarioFileError: Error, CustomStringConvertible, Equatable {
    public var file: String
    public var line: Int?
    public var column: Int?
    public var message: String

    public var description: String {
        guard let line else { return "\(file): \(message)" }
        return "\(file):\(line):\(column ?? 1): \(message)"
    }
}

/// Finds and parses scenario files (YAML, with Yams), turning every decoding
/// problem into a file:line:column error.
public enum ScenarioLoader {
    /// Scenario files under `paths` (files as given, directories searched for
    /// *.yaml/*.yml recursively), sorted, each once.
    public static func discover(_ paths: [String]) throws -> [URL] {
        var files: [URL] = []
        for path in paths {
            var isDir: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isDir) else {
                throw ScenarioFileError(file: path, message: "no such file or directory")
            }
            let url = URL(fileURLWithPath: path).standardizedFileURL
            if !isDir.boolValue {
                files.append(url)
                continue
            }
            let found = FileManager.default.enumerator(at: url, includingPropertiesForKeys: nil)?
                .compactMap { $0 as? URL }
                .filter { ["yaml", "yml"].contains($0.pathExtension) } ?? []
            if found.isEmpty { throw ScenarioFileError(file: path, message: "no scenario files (*.yaml, *.yml) in this directory") }
            files += found.map(\.standardizedFileURL)
        }
        var seen = Set<String>()
        return files.sorted { $0.path < $1.path }.filter { seen.insert($0.path).inserted }
    }

    /// Loads every scenario under `paths`; names must be unique.
    public static func loadAll(_ paths: [String]) throws -> [LoadedScenario] {
        let scenarios = try discover(paths).map(load)
        var byName: [String: URL] = [:]
        for s in scenarios {
            if let other = byName[s.scenario.name] {
                throw ScenarioFileError(file: s.file.path, message: "scenario name '\(s.scenario.name)' is already "
                    + "used by \(other.path): names key the baselines and must be unique")
            }
            byName[s.scenario.name] = s.file
        }
        return scenarios
    }

    public static func load(_ url: URL) throws -> LoadedScenario {
        let file = url.path
        let text = try read(url)
        let node: Node
        do {
            guard let composed = try Yams.compose(yaml: text) else {
                throw ScenarioFileError(file: file, message: "the file is empty: expected a scenario (a mapping with name and run)")
            }
            node = composed
        } catch let YamlError.duplicatedKeysInMapping(duplicates, context) {
            let key = duplicates.first ?? "?"
            let at = duplicate(key, in: text, after: context.mark.line)
            throw ScenarioFileError(file: file, line: at?.line ?? context.mark.line, column: at?.column ?? context.mark.column,
                                    message: "duplicate key '\(key)': each key may appear once in a mapping")
        } catch let error as YamlError {
            throw syntaxError(error, file: file)
        }
        do {
            let scenario = try YAMLDecoder().decode(Scenario.self, from: node)
            try checkEnvironmentReferences(scenario)
            return LoadedScenario(scenario: scenario, file: url)
        } catch let error as ScenarioError {
            let mark = locate(error.path, in: node, atKey: error.atKey)
            throw ScenarioFileError(file: file, line: mark?.line, column: mark?.column, message: error.message)
        } catch let error as DecodingError {
            let (path, message) = describe(error)
            let mark = locate(path, in: node, atKey: false)
            throw ScenarioFileError(file: file, line: mark?.line, column: mark?.column, message: message)
        }
    }

    /// The largest scenario file read: a scenario is a page of YAML, and
    /// parsing megabytes of it costs seconds and hundreds of megabytes.
    static let maximumFileBytes = 1 << 20

    /// The file's text, or an error saying what it is instead of a scenario.
    static func read(_ url: URL) throws -> String {
        let file = url.path
        var st = stat()
        guard stat(file, &st) == 0 else {
            throw ScenarioFileError(file: file, message: "cannot read: \(String(cString: strerror(errno)).lowercased())")
        }
        if (st.st_mode & S_IFMT) == S_IFDIR {
            throw ScenarioFileError(file: file, message: "is a directory; expected a scenario file")
        }
        if st.st_size > maximumFileBytes {
            throw ScenarioFileError(file: file, message: "is \(st.st_size) bytes; a scenario file is expected to be under 1 MiB")
        }
        let data: Data
        do {
            data = try Data(contentsOf: url)
        } catch {
            throw ScenarioFileError(file: file, message: "cannot read: \((error as NSError).localizedFailureReason ?? error.localizedDescription)")
        }
        guard !data.contains(0), let text = String(data: data, encoding: .utf8) else {
            throw ScenarioFileError(file: file, message: "is not UTF-8 text (a binary file?); expected a YAML scenario")
        }
        return text
    }

    /// Where a duplicated key appears the second time (Yams reports the
    /// mapping that holds it): the first line after `after` that starts with it.
    static func duplicate(_ key: String, in text: String, after: Int) -> (line: Int, column: Int)? {
        var seen = 0
        for (i, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() where i + 1 >= after {
            let trimmed = line.drop { $0 == " " || $0 == "-" }
            let bare = trimmed.hasPrefix("\"\(key)\"") || trimmed.hasPrefix("'\(key)'") ? trimmed.dropFirst(key.count + 2)
                : trimmed.hasPrefix(key) ? trimmed.dropFirst(key.count) : nil
            guard let rest = bare, rest.drop(while: { $0 == " " }).first == ":" else { continue }
            seen += 1
            if seen == 2 { return (i + 1, line.count - trimmed.count + 1) }
        }
        return nil
    }

    /// `${NAME}` in the command must name a variable of the environment or of `run.env`.
    static func checkEnvironmentReferences(_ scenario: Scenario) throws {
        let known = ProcessInfo.processInfo.environment.merging(scenario.run.env) { $1 }
        for (i, arg) in scenario.run.command.enumerated() {
            for ref in EnvironmentReferences.references(in: arg) where known[ref.name] == nil && ref.fallback == nil {
                throw ScenarioError(path: ["run", "command", String(i)],
                                    "${\(ref.name)} is not set in the environment nor in run.env "
                                        + "(write ${\(ref.name):-default} to give it a default)")
            }
        }
    }

    static func syntaxError(_ error: YamlError, file: String) -> ScenarioFileError {
        switch error {
        case let .scanner(context, problem, mark, _), let .parser(context, problem, mark, _),
             let .composer(context, problem, mark, _):
            let what = [context?.text, problem].compactMap { $0 }.filter { !$0.isEmpty }.joined(separator: " ")
            return ScenarioFileError(file: file, line: mark.line, column: mark.column, message: "YAML syntax error: \(what)")
        default:
            return ScenarioFileError(file: file, message: "YAML error: \(error)")
        }
    }

    static func describe(_ error: DecodingError) -> ([String], String) {
        func path(_ c: DecodingError.Context) -> [String] {
            c.codingPath.map { $0.intValue.map(String.init) ?? $0.stringValue }
        }
        switch error {
        case let .typeMismatch(type, c):
            return (path(c), "expected \(friendly(type))")
        case let .valueNotFound(type, c):
            return (path(c), "missing value: expected \(friendly(type))")
        case let .keyNotFound(key, c):
            return (path(c), "missing key '\(key.stringValue)'")
        case let .dataCorrupted(c):
            return (path(c), c.debugDescription)
        @unknown default:
            return ([], "\(error)")
        }
    }

    static func friendly(_ type: Any.Type) -> String {
        let name = String(describing: type)
        if name.contains("Array") || name.contains("Unkeyed") || name.contains("Sequence") { return "a list" }
        if name.contains("Dictionary") || name.contains("Keyed") || name.contains("Mapping") { return "a mapping" }
        if name == "String" { return "a string" }
        if name.hasPrefix("Int") || name.hasPrefix("UInt") { return "an integer" }
        return "a value of type \(name)"
    }

    /// The position of the node at `path` (or of its key), or of the deepest
    /// node on the way there.
    static func locate(_ path: [String], in root: Node, atKey: Bool) -> Mark? {
        var node = root
        var mark = root.mark
        for (i, component) in path.enumerated() {
            let last = i == path.count - 1
            if let mapping = node.mapping {
                guard let pair = mapping.first(where: { $0.key.string == component }) else { return mark }
                mark = last && atKey ? pair.key.mark : pair.value.mark
                node = pair.value
            } else if let sequence = node.sequence, let index = Int(component), index < sequence.count {
                node = sequence[index]
                mark = node.mark
            } else {
                return mark
            }
        }
        return mark
    }
}

/// `${NAME}` and `${NAME:-default}` references in command arguments.
public enum EnvironmentReferences {
    public struct Reference: Equatable {
        public var name: String
        public var fallback: String?
        /// The text as written, `${...}` included.
        public var text: String
    }

    public static func references(in text: String) -> [Reference] {
        var found: [Reference] = []
        var rest = Substring(text)
        while let start = rest.range(of: "${") {
            guard let end = rest[start.upperBound...].firstIndex(of: "}") else { break }
            let body = rest[start.upperBound..<end]
            let whole = String(rest[start.lowerBound...end])
            if let sep = body.range(of: ":-") {
                found.append(Reference(name: String(body[..<sep.lowerBound]),
                                       fallback: String(body[sep.upperBound...]), text: whole))
            } else {
                found.append(Reference(name: String(body), fallback: nil, text: whole))
            }
            rest = rest[rest.index(after: end)...]
        }
        return found
    }

    /// Names referenced without a default.
    public static func names(in text: String) -> [String] {
        references(in: text).map(\.name)
    }

    /// Replaces each reference with its value, or its default when unset;
    /// references with neither stay as written.
    public static func substitute(_ text: String, _ environment: [String: String]) -> String {
        var out = text
        for ref in references(in: text) {
            if let value = environment[ref.name] ?? ref.fallback {
                out = out.replacingOccurrences(of: ref.text, with: value)
            }
        }
        return out
    }
}
