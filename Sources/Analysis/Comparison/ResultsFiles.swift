import Foundation
import Model

/// Results files that cannot be joined or compared as given, said in one sentence.
public struct ResultsError: Error, CustomStringConvertible, Sendable {
    public let description: String

    public init(_ description: String) { self.description = description }
}

/// What `flamegate merge` and `flamegate compare` do with results files
/// (`flamegate run --json`): pure functions of the decoded reports, which
/// refuse inputs that would let a gate pass on part of the results.
public enum ResultsFiles {
    /// A file this flamegate can read: its `schemaVersion` is checked before
    /// anything else is decoded, so a newer file is refused by name.
    public static func checkVersion(_ data: Data, file: String) throws {
        struct Header: Decodable { let schemaVersion: Int? }
        guard let header = try? JSONDecoder().decode(Header.self, from: data) else { return }
        if let version = header.schemaVersion, version != RunReport.schemaVersion {
            throw ResultsError("\(file): results schema version \(version); this flamegate reads version \(RunReport.schemaVersion) "
                + "(written by \(version > RunReport.schemaVersion ? "a newer" : "an older") flamegate?)")
        }
    }

    /// One report out of the reports of a sharded run. Every shard 1…N must
    /// be there exactly once (a missing one would pass its scenarios
    /// unmeasured), all with the same N; reports without a shard are whole
    /// runs and are joined only with each other.
    public static func merge(_ parts: [(file: String, report: RunReport)]) throws -> RunReport {
        guard let first = parts.first else { throw ResultsError("no results files to merge") }
        let sharded = parts.filter { $0.report.shard != nil }
        if !sharded.isEmpty, sharded.count != parts.count {
            let whole = parts.first { $0.report.shard == nil }!.file
            throw ResultsError("\(whole) is a whole run and \(sharded[0].file) is shard \(sharded[0].report.shard!): "
                + "merge the shards of one run, or whole runs")
        }
        if !sharded.isEmpty {
            var total: Int?
            var seen: [Int: String] = [:]
            for part in parts {
                guard let shard = part.report.shard.flatMap(Shard.init) else {
                    throw ResultsError("\(part.file): shard '\(part.report.shard!)' is not K/N")
                }
                if let total, total != shard.count {
                    throw ResultsError("\(part.file) is shard \(shard) but \(parts[0].file) is shard \(parts[0].report.shard!): "
                        + "the shards of one run have the same N")
                }
                total = shard.count
                if let other = seen[shard.index] {
                    throw ResultsError("shard \(shard) is given twice: \(other) and \(part.file)")
                }
                seen[shard.index] = part.file
            }
            let missing = (1...total!).filter { seen[$0] == nil }
            if !missing.isEmpty {
                throw ResultsError("missing shard\(missing.count == 1 ? "" : "s") "
                    + missing.map { "\($0)/\(total!)" }.joined(separator: ", ")
                    + ": the verdict needs the results of every shard (got \(seen.count) of \(total!))")
            }
        }
        var seen: [String: String] = [:]
        var scenarios: [ScenarioReport] = []
        for part in parts {
            for s in part.report.scenarios {
                if let other = seen[s.name] {
                    throw ResultsError("scenario '\(s.name)' appears in both \(other) and \(part.file): were the shards overlapping?")
                }
                seen[s.name] = part.file
                scenarios.append(s)
            }
        }
        scenarios.sort { $0.name < $1.name }
        return RunReport(startedAt: parts.map(\.report.startedAt).min()!, environment: first.report.environment,
                         shard: nil, scenarios: scenarios)
    }

    /// `new` judged against `old` taken as the baseline. A scenario of `old`
    /// that `new` lacks is refused: a partial run (one shard, a scenario
    /// that failed to load) must not pass the gate.
    public static func compare(old: (file: String, report: RunReport), new: (file: String, report: RunReport)) throws -> RunReport {
        let measured = Set(new.report.scenarios.map(\.name))
        let missing = old.report.scenarios.map(\.name).filter { !measured.contains($0) }
        if !missing.isEmpty {
            let shard = new.report.shard.map { " (it is shard \($0): `flamegate merge` the shards first)" } ?? ""
            throw ResultsError("\(new.file) has no results for \(missing.count) scenario\(missing.count == 1 ? "" : "s") of \(old.file): "
                + missing.prefix(5).joined(separator: ", ") + (missing.count > 5 ? ", …" : "") + shard)
        }
        if new.report.scenarios.isEmpty {
            throw ResultsError("\(new.file) holds no scenario results: nothing to judge")
        }
        var scenarios: [ScenarioReport] = []
        for current in new.report.scenarios {
            guard let reference = old.report.scenarios.first(where: { $0.name == current.name }) else {
                var report = ScenarioReport(run: current.run, baseline: nil)
                report.warnings.append("NEW: not in \(old.file), nothing to compare with")
                scenarios.append(report)
                continue
            }
            let baseline = Baseline(scenario: reference.name, createdAt: old.report.startedAt,
                                    environment: reference.run.environment, sizes: reference.run.sizes)
            scenarios.append(ScenarioReport(run: current.run, baseline: reference.run.failure == nil ? baseline : nil))
        }
        return RunReport(startedAt: new.report.startedAt, environment: new.report.environment, shard: new.report.shard,
                         scenarios: scenarios)
    }
}
