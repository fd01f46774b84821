import Foundation
import Testing
@testable import Model

@Suite struct RecordingCodingTests {
    @Test func roundTripsThroughJSON() throws {
        let recording = Recording(
            flamegateVersion: "t", command: ["x", "y"], startedAt: Date(timeIntervalSince1970: 1_700_000_000),
            usage: ResourceUsage(wallSeconds: 1, userSeconds: 0.5, systemSeconds: 0.1, maxRSSKilobytes: 10,
                                 voluntaryContextSwitches: 2, involuntaryContextSwitches: 3),
            exit: TargetExit(code: 0), probes: [ProbeStatus(probe: .cpu), ProbeStatus(probe: .pmu, unavailable: "no PMU")],
            cpuFrequencyHz: 499, profiles: [ProfileTests.sample()], processes: [],
            lost: [LostCounter(source: "cpu", name: "dropped_samples", count: 0, meaning: "m")])
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .iso8601
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        let back = try decoder.decode(Recording.self, from: encoder.encode(recording))
        #expect(back.command == ["x", "y"])
        #expect(back.probes[1].unavailable == "no PMU")
        #expect(back.profile("cpu")?.total == 6)
        #expect(back.schemaVersion == Recording.schemaVersion)
    }

    @Test func exitDescriptions() {
        #expect(TargetExit(code: 3).description == "exit code 3")
        #expect(TargetExit(signal: 9, timedOut: true).description == "killed by signal 9, timed out")
    }
}
