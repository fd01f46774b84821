import Analysis
import Foundation
import Model
import Reports
import Testing

/// `merge` and `compare` refuse inputs that would let the gate pass on part
/// of the results (pure functions: no root, no target).
@Suite struct ResultsFilesTests {
    /// The fixture's five scenarios cut into `count` shards (by position, as a run's hash would).
    static func shards(_ count: Int, taking indices: [Int]) -> [(file: String, report: RunReport)] {
        let all = RunReportFixture.report()
        return indices.map { k in
            var part = all
            part.shard = "\(k)/\(count)"
            part.scenarios = all.scenarios.enumerated().filter { $0.offset % count == k - 1 }.map(\.element)
            return ("shard-\(k).json", part)
        }
    }

    @Test func oneShardOfThreeIsRefused() {
        let error = #expect(throws: ResultsError.self) { try ResultsFiles.merge(Self.shards(3, taking: [1])) }
        #expect(error?.description == "missing shards 2/3, 3/3: the verdict needs the results of every shard (got 1 of 3)")
        let two = #expect(throws: ResultsError.self) { try ResultsFiles.merge(Self.shards(3, taking: [1, 3])) }
        #expect(two?.description.hasPrefix("missing shard 2/3:") == true)
    }

    @Test func everyShardOnceJoins() throws {
        let merged = try ResultsFiles.merge(Self.shards(3, taking: [2, 1, 3]))
        #expect(merged.scenarios.map(\.name) == RunReportFixture.report().scenarios.map(\.name).sorted())
        #expect(merged.shard == nil)
        #expect(merged.exitCode() == 1, "the fixture holds a regression")
    }

    @Test func mixedOrRepeatedShardsAreRefused() {
        var mixed = Self.shards(2, taking: [1, 2])
        mixed[1].report.shard = "2/3"
        #expect(throws: ResultsError.self) { try ResultsFiles.merge(mixed) }
        let repeated = Self.shards(2, taking: [1, 1])
        let error = #expect(throws: ResultsError.self) { try ResultsFiles.merge(repeated) }
        #expect(error?.description == "shard 1/2 is given twice: shard-1.json and shard-1.json")
        var whole = Self.shards(2, taking: [1, 2])
        whole[0].report.shard = nil
        #expect(throws: ResultsError.self) { try ResultsFiles.merge(whole) }
    }

    @Test func compareRefusesAChangeThatLacksScenarios() throws {
        let old = ("old.json", RunReportFixture.report())
        let part = Self.shards(2, taking: [1])[0]
        let error = #expect(throws: ResultsError.self) { try ResultsFiles.compare(old: old, new: part) }
        #expect(error?.description.contains("has no results for 2 scenarios of old.json") == true)
        #expect(error?.description.hasSuffix("(it is shard 1/2: `flamegate merge` the shards first)") == true)
        var empty = RunReportFixture.report()
        empty.scenarios = []
        #expect(throws: ResultsError.self) { try ResultsFiles.compare(old: ("old.json", empty), new: ("new.json", empty)) }
        // the same scenarios on both sides are judged
        let judged = try ResultsFiles.compare(old: old, new: ("new.json", RunReportFixture.report()))
        #expect(judged.scenarios.count == old.1.scenarios.count)
    }

    @Test func unknownSchemaVersionIsRefusedByName() throws {
        var data = try JSONFormat.encoder().encode(RunReportFixture.report())
        try ResultsFiles.checkVersion(data, file: "ok.json")
        var object = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        object["schemaVersion"] = 99
        data = try JSONSerialization.data(withJSONObject: object)
        let error = #expect(throws: ResultsError.self) { try ResultsFiles.checkVersion(data, file: "future.json") }
        #expect(error?.description == "future.json: results schema version 99; this flamegate reads version 1 (written by a newer flamegate?)")
    }
}
