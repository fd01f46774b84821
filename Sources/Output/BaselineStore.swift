import Foundation
import Model
import Reports

/// Baseline file problems, each naming the file and what to do.
public enum BaselineError: Error, CustomStringConvertible, Equatable {
    case missing(scenario: String, path: String)
    case corrupt(path: String, detail: String)
    case wrongScenario(path: String, found: String, expected: String)
    case unsupportedSchema(path: String, version: Int)
    case notAFile(path: String)
    case missingSizes(scenario: String, path: String, sizes: [Int])

    public var description: String {
        switch self {
        case let .missing(scenario, path):
            return "no baseline for scenario '\(scenario)' (\(path) does not exist): "
                + "record one with `flamegate baseline update`"
        case let .corrupt(path, detail):
            return "\(path): not a valid baseline (\(detail)); restore it from git or run `flamegate baseline update`"
        case let .wrongScenario(path, found, expected):
            return "\(path): holds the baseline of '\(found)', expected '\(expected)'"
        case let .notAFile(path):
            return "\(path): is a directory, not a baseline file; --baselines names the directory that holds SCENARIO.json files"
        case let .missingSizes(scenario, path, sizes):
            return "\(path) has no measurements for size\(sizes.count == 1 ? "" : "s") "
                + sizes.map(String.init).joined(separator: ", ")
                + " of scenario '\(scenario)': its sizes changed since the baseline was recorded; "
                + "run `flamegate baseline update` for it"
        case let .unsupportedSchema(path, version):
            return "\(path): baseline schema version \(version) is not supported by flamegate \(Version.flamegate) "
                + "(expected \(Baseline.schemaVersion)); run `flamegate baseline update`"
        }
    }
}

/// Reads and writes `DIR/<scenario>.json`; writes are atomic.
public struct BaselineStore: Sendable {
    public let directory: URL

    public init(directory: URL) { self.directory = directory }

    public func url(for scenario: String) -> URL {
        directory.appendingPathComponent("\(scenario).json")
    }

    public func load(_ scenario: String) throws -> Baseline {
        let url = url(for: scenario)
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory), isDirectory.boolValue {
            throw BaselineError.notAFile(path: url.path)
        }
        guard let data = FileManager.default.contents(atPath: url.path) else {
            throw BaselineError.missing(scenario: scenario, path: url.path)
        }
        struct Header: Decodable { let schemaVersion: Int? }
        guard let header = try? JSONFormat.decoder().decode(Header.self, from: data) else {
            throw BaselineError.corrupt(path: url.path, detail: "not a JSON object")
        }
        if let version = header.schemaVersion, version != Baseline.schemaVersion {
            throw BaselineError.unsupportedSchema(path: url.path, version: version)
        }
        let baseline: Baseline
        do {
            baseline = try JSONFormat.decoder().decode(Baseline.self, from: data)
        } catch let error as DecodingError {
            throw BaselineError.corrupt(path: url.path, detail: Self.describe(error))
        }
        guard baseline.scenario == scenario else {
            throw BaselineError.wrongScenario(path: url.path, found: baseline.scenario, expected: scenario)
        }
        return baseline
    }

    /// The stored baseline of `scenario`, which must hold every size the
    /// scenario measures now (a sweep that grew cannot be judged on half of it).
    public func load(_ scenario: Scenario) throws -> Baseline {
        let baseline = try load(scenario.name)
        let stored = Set(baseline.sizes.map(\.size))
        let missing = (scenario.sizes ?? []).filter { !stored.contains($0) }
        if !missing.isEmpty {
            throw BaselineError.missingSizes(scenario: scenario.name, path: url(for: scenario.name).path, sizes: missing)
        }
        return baseline
    }

    /// Every scenario's stored baseline, read before anything runs, and what
    /// kept any from loading. Against a base measured in the same run
    /// (`baseMeasured`) a stored baseline only serves scenarios the base
    /// lacks: one missing (or missing sizes) is no problem then.
    public func loadAll(_ scenarios: [Scenario], baseMeasured: Bool) -> (baselines: [String: Baseline], problems: [BaselineError]) {
        var loaded: [String: Baseline] = [:]
        var problems: [BaselineError] = []
        for scenario in scenarios {
            do {
                loaded[scenario.name] = try load(scenario)
            } catch let error as BaselineError {
                if baseMeasured {
                    if case .missing = error { continue }
                    if case .missingSizes = error { continue }
                }
                problems.append(error)
            } catch {
                problems.append(.corrupt(path: url(for: scenario.name).path, detail: "\(error)"))
            }
        }
        return (loaded, problems)
    }

    public func save(_ baseline: Baseline) throws {
        try FileSink.write(try JSONFormat.encoder().encode(baseline), to: url(for: baseline.scenario))
    }

    static func describe(_ error: DecodingError) -> String {
        func at(_ c: DecodingError.Context) -> String {
            let path = c.codingPath.map { $0.intValue.map { "[\($0)]" } ?? ".\($0.stringValue)" }.joined()
            return path.isEmpty ? "" : " at \(path)"
        }
        switch error {
        case let .keyNotFound(key, c): return "missing '\(key.stringValue)'\(at(c))"
        case let .typeMismatch(_, c), let .valueNotFound(_, c): return "unexpected value\(at(c))"
        case let .dataCorrupted(c): return "\(c.debugDescription)\(at(c))"
        @unknown default: return "\(error)"
        }
    }
}
