import Model
import Testing
@testable import Analysis

/// IPC and the other pmu metrics in the verdict, and how a machine without a
/// PMU comes out.
@Suite struct HardwareMetricComparisonTests {
    static let noPMU = "hardware PMU unavailable: no PMU device in /sys/bus/event_source/devices"

    /// Ten unchanged runs whose pmu metrics are unavailable for `why`, or valued `ipc` × jitter.
    static func size(ipc: Double? = nil, unavailable why: String? = nil) -> SizeResult {
        var size = ScenarioComparatorTests.baseline()
        for (i, jitter) in ScenarioComparatorTests.jitter.enumerated() {
            if let why { size.runs[i].unavailable.merge(HardwareCounters.unavailable(why)) { $1 } }
            if let ipc {
                size.runs[i].metrics[Metric.ipc.id] = ipc * (1 + jitter)
                size.runs[i].metrics[Metric.cycles.id] = 1e9 * (1 + jitter)
            }
        }
        return size
    }

    static func thresholds(ipc: Double?) -> Thresholds { Thresholds(ipc: ipc) }

    @Test func aScenarioThatDoesNotSetIPCStaysQuietWithoutAPMU() {
        let c = ScenarioComparator.compare(baseline: [Self.size(unavailable: Self.noPMU)],
                                           current: [Self.size(unavailable: Self.noPMU)],
                                           thresholds: Self.thresholds(ipc: nil))
        #expect(c.verdict == .pass)
        let rows = c.metrics.filter { $0.metric.hasPrefix("pmu.") }
        #expect(Set(rows.map(\.metric)) == Set(HardwareCounters.metrics.map(\.id)), "every metric is listed")
        for row in rows {
            #expect(row.note == "unavailable: " + Self.noPMU)
            #expect(!row.gated && row.verdict == .pass && row.currentMedian == nil && row.comparison == nil)
        }
    }

    @Test func anIPCThresholdWithoutAPMUIsNotEvaluatedAndInconclusive() {
        let c = ScenarioComparator.compare(baseline: [Self.size(unavailable: Self.noPMU)],
                                           current: [Self.size(unavailable: Self.noPMU)],
                                           thresholds: Self.thresholds(ipc: 0.03))
        #expect(c.verdict == .inconclusive, "a threshold the scenario asked for never passes unchecked")
        let ipc = try! #require(c.metrics.first { $0.metric == Metric.ipc.id })
        #expect(ipc.note == "not evaluated: " + Self.noPMU)
        #expect(ipc.gated && ipc.verdict == .inconclusive)
        #expect(c.metrics.filter { $0.metric.hasPrefix("pmu.") && $0.gated }.map(\.metric) == [Metric.ipc.id])
    }

    @Test func aBaselineWithoutCountersNamesTheBaseline() {
        let c = ScenarioComparator.compare(baseline: [Self.size(unavailable: Self.noPMU)],
                                           current: [Self.size(ipc: 1.5)], thresholds: Self.thresholds(ipc: 0.02))
        let ipc = try! #require(c.metrics.first { $0.metric == Metric.ipc.id })
        #expect(ipc.note == "not evaluated: the baseline could not measure it: " + Self.noPMU)
        #expect(ipc.verdict == .inconclusive)
        let quiet = ScenarioComparator.compare(baseline: [Self.size(unavailable: Self.noPMU)],
                                               current: [Self.size(ipc: 1.5)], thresholds: Self.thresholds(ipc: nil))
        #expect(quiet.verdict == .pass)
    }

    @Test func aFallInIPCRegressesAndARiseImproves() {
        let before = Self.size(ipc: 2.0)
        let fell = ScenarioComparator.compare(baseline: [before], current: [Self.size(ipc: 1.8)],
                                              thresholds: Self.thresholds(ipc: nil))
        let row = try! #require(fell.metrics.first { $0.metric == Metric.ipc.id })
        #expect(row.gated, "where counters exist the default 2% gates")
        #expect(row.verdict == .regressed)
        let ratio = try! #require(row.comparison)
        #expect(abs(ratio.ratio - 0.9) < 0.005, "shown as current/baseline IPC: \(ratio.ratio)")
        #expect(ratio.ciLower <= ratio.ratio && ratio.ratio <= ratio.ciUpper && ratio.ciUpper < 1 / 1.02)
        #expect(fell.verdict == .regressed)

        let rose = ScenarioComparator.compare(baseline: [before], current: [Self.size(ipc: 2.2)],
                                              thresholds: Self.thresholds(ipc: nil))
        #expect(rose.metrics.first { $0.metric == Metric.ipc.id }?.verdict == .improved)
        let same = ScenarioComparator.compare(baseline: [before], current: [Self.size(ipc: 2.01)],
                                              thresholds: Self.thresholds(ipc: nil))
        #expect(same.metrics.first { $0.metric == Metric.ipc.id }?.verdict == .pass, "0.5% is within 2%")
    }

    @Test func reciprocalRestatesTheInterval() {
        let c = ScalarComparison(ratio: 1.25, ciLower: 1.2, ciUpper: 1.3, pValue: 0.001, testMethod: .exact,
                                 verdict: .regressed, tau: 0.02, alpha: 0.05, nBaseline: 10, nCurrent: 10)
        let r = c.reciprocal
        #expect(r.ratio == 0.8 && r.ciLower == 1 / 1.3 && r.ciUpper == 1 / 1.2)
        #expect(r.verdict == .regressed && r.pValue == 0.001)
    }
}
