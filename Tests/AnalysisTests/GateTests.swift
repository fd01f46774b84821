import Foundation
import Model
import Testing
@testable import Analysis

/// The one judging pipeline: effective thresholds once, the outcome from the
/// comparison and the findings, the exit code's policy in one place.
@Suite struct GateTests {
    @Test func sampledAllocationsSetTheFinestLeakAndGrowthThatCount() {
        let exact = Scenario(name: "s", run: RunSpec(command: ["x"]), alloc: AllocSettings(sampleEvery: 1))
        #expect(Gate.thresholds(for: exact) == exact.thresholds)
        let sampled = Scenario(name: "s", run: RunSpec(command: ["x"]), alloc: AllocSettings(sampleEvery: 512 * 1024),
                               thresholds: Thresholds(leakedBytes: 0, retainedBytes: 1 << 20))
        let t = Gate.thresholds(for: sampled)
        #expect(t.leakedBytes == 512 * 1024)
        #expect(t.retainedBytes == 2 << 20)
        #expect(t.wallTime == sampled.thresholds.wallTime)
    }

    @Test func nothingToCompareWithIsInconclusiveAndSaysSo() {
        let run = ScenarioRun(scenario: Scenario(name: "s", run: RunSpec(command: ["x"])), file: "s.yaml",
                              environment: EnvironmentFingerprint(kernel: "6.18", cpuModel: "cpu", cores: 2, flamegateVersion: "0"),
                              sizes: [], failure: nil, probes: [])
        let judgement = Gate.judge(run, against: nil)
        #expect(judgement.outcome == .inconclusive)
        #expect(judgement.comparison == nil)
        #expect(judgement.warnings == ["no baseline to compare with"])
    }

    @Test func theVerdictIsDerivedFromTheGatedMetricsAndFunctions() throws {
        func metric(_ gated: Bool, _ verdict: Verdict) -> MetricComparison {
            MetricComparison(metric: "m", unit: "s", size: nil, gated: gated, baselineMedian: 1, currentMedian: 1,
                             comparison: nil, verdict: verdict, note: nil)
        }
        var c = ScenarioComparison(metrics: [metric(true, .pass), metric(false, .regressed)], functions: [])
        #expect(c.verdict == .pass)
        c.metrics.append(metric(true, .inconclusive))
        #expect(c.verdict == .inconclusive)
        // written for the JSON's readers, derived again when read
        let data = try JSONEncoder().encode(c)
        #expect(String(decoding: data, as: UTF8.self).contains("\"verdict\":\"inconclusive\""))
        #expect(try JSONDecoder().decode(ScenarioComparison.self, from: data).verdict == .inconclusive)
    }
}
