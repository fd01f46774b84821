import Foundation
import Model
import Testing
@testable import Reports

/// The probes' own cost in `flamegate record`'s terminal and HTML views.
@Suite struct ProbeCostTextTests {
    static func recording(_ costs: [ProbeCost]?, reason: String? = nil) -> Recording {
        var r = ProfileFixture.recording() // user 0.2 s + system 0.05 s
        r.probeCosts = costs
        if let reason { r.unavailable[Metric.probeTime.id] = reason }
        return r
    }

    @Test func summaryRelatesTheCostToTheTargetsCPUTime() {
        let r = Self.recording([ProbeCost(probe: "tracker", programs: 3, runs: 12, seconds: 0.000_024),
                                ProbeCost(probe: "offcpu", programs: 2, runs: 200_000, seconds: 0.05)])
        #expect(ProbeCostText.summary(r)
                == "flamegate's BPF programs ran 200,012 times for 50.0 ms of CPU on all CPUs (20.0% of the target's CPU time)")
        let rows = ProbeCostText.rows(r)
        #expect(rows.map(\.probe) == ["offcpu", "tracker"], "most expensive first")
        #expect(rows[0].perRun == "250 ns" && rows[0].runs == "200,000" && rows[0].seconds == "50.0 ms")
        #expect(rows[1].perRun == "2.0 µs")
        let text = RecordSummary().render(r)
        #expect(text.contains("\nprobe cost: flamegate's BPF programs ran 200,012 times"))
        #expect(text.contains("  offcpu        200,000 runs ×    250 ns = 50.0 ms\n"), "\(text)")
        let html = RecordingHTMLReport().render(r)
        #expect(html.contains("Probe cost") && html.contains("<td>offcpu</td>"))
    }

    @Test func programsThatNeverRanHaveNoPerRunCost() {
        let rows = ProbeCostText.rows(Self.recording([ProbeCost(probe: "io", programs: 4, runs: 0, seconds: 0)]))
        #expect(rows[0].perRun == "-")
    }

    @Test func anUnmeasuredCostSaysWhyAndIsNeverAZero() {
        let r = Self.recording(nil, reason: "BPF_ENABLE_STATS: Operation not permitted")
        #expect(ProbeCostText.summary(r) == "probe cost unavailable: BPF_ENABLE_STATS: Operation not permitted")
        #expect(ProbeCostText.rows(r).isEmpty)
        #expect(!RecordSummary().render(r).contains("0 s of CPU"))
    }
}
