import Model
import Testing
@testable import Analysis

/// Leaked bytes are gated exactly: zero is a value, not an error.
@Suite struct ExactComparisonTests {
    static let mebibyte = Double(1 << 20)

    /// Runs with a wall time and the given leaked bytes (and the leaking path when given).
    static func size(_ leaked: [Double], path: String? = nil) -> SizeResult {
        let runs = leaked.enumerated().map { i, bytes in
            var run = RunMeasurement(metrics: ["wall_time": 1 + Double(i % 3) * 0.001, Metric.leakedBytes.id: bytes],
                                     exit: TargetExit(code: 0), cpuSamples: 0, cpuPeriodNanoseconds: nil,
                                     functions: [], lost: [])
            if let path, bytes > 0 { run.leaks = [path: bytes] }
            return run
        }
        return SizeResult(size: nil, runs: runs, cpuProfile: nil)
    }

    static func leaked(_ c: ScenarioComparison) -> MetricComparison? {
        c.metrics.first { $0.metric == Metric.leakedBytes.id }
    }

    @Test func newLeakOfOneMebibyteRegressesAndNamesThePath() throws {
        let path = "alloc_buffer ← process_image ← main"
        let c = ScenarioComparator.compare(baseline: [Self.size(Array(repeating: 0, count: 10))],
                                           current: [Self.size(Array(repeating: Self.mebibyte, count: 10), path: path)],
                                           thresholds: Thresholds())
        let m = try #require(Self.leaked(c))
        #expect(m.gated)
        #expect(m.verdict == .regressed)
        #expect(c.verdict == .regressed)
        #expect(m.note?.contains("baseline 0 B, current 1.0 MiB") == true, "\(m.note ?? "")")
        #expect(m.note?.contains("\(path) +1.0 MiB") == true, "\(m.note ?? "")")
    }

    @Test func deterministicLeakRegressesWithTwoRunsASide() {
        #expect(ExactComparison.verdict(baseline: [0, 0], current: [4096, 4096], allowance: 0) == .regressed)
    }

    @Test func unchangedLeakPasses() {
        let same = Self.size(Array(repeating: 3 * Self.mebibyte, count: 10))
        let c = ScenarioComparator.compare(baseline: [same], current: [same], thresholds: Thresholds())
        #expect(Self.leaked(c)?.verdict == .pass)
        #expect(c.verdict == .pass)
    }

    @Test func noLeakOnEitherSideIsNotShown() {
        let none = Self.size(Array(repeating: 0, count: 10))
        let c = ScenarioComparator.compare(baseline: [none], current: [none], thresholds: Thresholds())
        #expect(Self.leaked(c) == nil)
    }

    @Test func allowanceAbsorbsSmallLeaks() {
        #expect(ExactComparison.verdict(baseline: [0, 0, 0], current: [4096, 4096, 4096], allowance: 65536) == .pass)
        #expect(ExactComparison.verdict(baseline: [0, 0, 0], current: [70000, 70000, 70000], allowance: 65536)
            == .regressed)
        let c = ScenarioComparator.compare(baseline: [Self.size([0, 0, 0])], current: [Self.size([4096, 4096, 4096])],
                                           thresholds: Thresholds(leakedBytes: 65536))
        #expect(Self.leaked(c)?.verdict == .pass)
    }

    @Test func leakInSomeRunsOnlyIsInconclusive() {
        // timing-dependent: half the runs leak
        #expect(ExactComparison.verdict(baseline: [0, 0, 0, 0], current: [0, 8192, 8192, 8192], allowance: 0)
            == .inconclusive)
        #expect(ExactComparison.verdict(baseline: [0, 0, 0, 0], current: [0, 0, 0, 8192], allowance: 0) == .pass)
    }

    @Test func fixedLeakImproves() {
        #expect(ExactComparison.verdict(baseline: [4096, 4096], current: [0, 0], allowance: 0) == .improved)
    }

    @Test func sampledEstimatesRegressOnlyWhenTheRangesSeparate() {
        let baseline: [Double] = [0, 524_288, 0, 0, 1_048_576, 0]
        #expect(ExactComparison.verdict(baseline: baseline, current: [3e6, 3.5e6, 2.9e6, 3.1e6, 4e6, 3e6],
                                        allowance: 0) == .regressed)
        #expect(ExactComparison.verdict(baseline: baseline, current: [0, 1_048_576, 524_288, 0, 0, 524_288],
                                        allowance: 0) != .regressed)
    }

    @Test func baselineWithoutTheMetricIsInconclusive() throws {
        let before = Self.size([0, 0])
        var old = before
        for i in old.runs.indices { old.runs[i].metrics[Metric.leakedBytes.id] = nil }
        let c = ScenarioComparator.compare(baseline: [old], current: [Self.size([4096, 4096])], thresholds: Thresholds())
        let m = try #require(Self.leaked(c))
        #expect(m.verdict == .inconclusive)
        #expect(m.note?.contains("the baseline has no alloc.leaked_bytes") == true, "\(m.note ?? "")")
    }

    @Test func emptySamplesGiveNoVerdict() {
        #expect(ExactComparison.verdict(baseline: [], current: [1], allowance: 0) == nil)
    }
}
