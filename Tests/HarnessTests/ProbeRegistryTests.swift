import Foundation
import Model
import Testing
import TestSupport
@testable import Harness

/// The registry is the one list of probes: every probe has its entry, and
/// the metrics the entries declare are the ones the catalog describes and a
/// recording reports.
@Suite struct ProbeRegistryTests {
    /// What a recording measures whichever probes run: the target's usage,
    /// the probes' cost and the unwinders' shares, the machine's speed.
    static let sessionMetrics: Set<String> = Set([
        Metric.wallTime, .cpuTime, .maxRSS, .voluntarySwitches, .involuntarySwitches,
        .probeTime, .unwoundStacks, .pythonStacks, .calibration,
    ].map(\.id))

    @Test func everyProbeHasOneEntryInOrder() {
        #expect(ProbeRegistry.entries.map(\.name) == ProbeName.allCases)
    }

    @Test func theEntriesDeclareWhatTheCatalogDescribesOnceEach() {
        var owner: [String: ProbeName] = [:]
        for entry in ProbeRegistry.entries {
            for metric in entry.metrics {
                #expect(Metric.named(metric.id) == metric, "\(entry.name): \(metric.id) is not described as declared")
                #expect(owner[metric.id] == nil, "\(metric.id) declared by \(owner[metric.id]?.rawValue ?? "") and \(entry.name)")
                owner[metric.id] = entry.name
            }
        }
        let undeclared = Metric.catalog.map(\.id).filter { owner[$0] == nil && !Self.sessionMetrics.contains($0) }
        #expect(undeclared.isEmpty, "catalog metrics no probe declares: \(undeclared)")
    }

    @Test(.enabled(if: Privileges.isRoot, "needs root to load BPF programs (CI runs as root)"))
    func aRecordingReportsOnlyDeclaredMetrics() throws {
        let dir = TestPaths.temporaryDirectory("registry")
        let spec = LaunchSpec(command: [try Fixtures.c("fsync_writer").path, dir.appendingPathComponent("data").path, "50"],
                              stdoutPath: dir.appendingPathComponent("out").path,
                              stderrPath: dir.appendingPathComponent("err").path)
        let recording = try Recorder().record(RecordOptions(launch: spec, timeoutSeconds: 60))
        let declared = Set(ProbeRegistry.entries.flatMap(\.metrics).map(\.id)).union(Self.sessionMetrics)
        let reported = Set(recording.metrics.keys).union(recording.unavailable.keys)
        #expect(reported.subtracting(declared).isEmpty, "undeclared: \(reported.subtracting(declared).sorted())")
        #expect(reported.contains(Metric.runqueueP99.id) && reported.contains(Metric.offCPUTime.id),
                "the probes ran: \(reported.sorted())")
    }
}
