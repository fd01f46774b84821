import Analysis
import Foundation
import Model
import Testing
@testable import Reports

/// How reports show metrics a machine could not measure: gated ones
/// as "not evaluated" rows, the informational rest in one notice per reason.
@Suite struct UnavailableMetricsTests {
    static let noPMU = "hardware PMU unavailable: no PMU device"
    static let noTracepoint = "no sys_enter_read tracepoint here"

    /// Two sizes of identical runs without counters (and without an fsync tracepoint).
    static func report(ipc: Double?) -> ScenarioReport {
        let sizes = [1000, 2000].map { size -> SizeResult in
            var run = RunReportFixture.size(size, wall: 0.5, runs: 4).runs[0]
            run.unavailable = HardwareCounters.unavailable(noPMU)
            run.unavailable["io.syscall.read.p99"] = noTracepoint
            return SizeResult(size: size, runs: Array(repeating: run, count: 4), cpuProfile: nil)
        }
        var run = RunReportFixture.scenarioRun("counters", file: "counters.yaml", sizes: sizes)
        run.scenario.thresholds = Thresholds(wallTime: 10, cpuTime: 10, ipc: ipc)
        run.probes.append(ProbeStatus(probe: .pmu, unavailable: noPMU))
        let baseline = Baseline(scenario: "counters", createdAt: Date(timeIntervalSince1970: 0),
                                environment: run.environment, sizes: sizes)
        return ScenarioReport(run: run, baseline: baseline)
    }

    @Test func informationalMetricsCollapseIntoOneNoticePerReason() throws {
        let s = Self.report(ipc: nil)
        #expect(s.outcome == .pass)
        let comparison = try #require(s.comparison)
        #expect(!Evidence.metrics(comparison).contains { $0.metric.hasPrefix("pmu.") || $0.metric.hasPrefix("io.") })
        let everyPMUMetric = HardwareCounters.metrics.map(\.id).joined(separator: ", ")
        #expect(Evidence.notices(s) == [
            // identical runs, τ = 1000%
            "wall-time noise ±0.0%: could flag ≥ 1000.0%",
            // two sizes: measured and gated each, but no exponent, and the report says so
            "warning: size sweep: no complexity exponent: 2 sizes (a fit needs at least 4) and a span of 2× "
                + "(1000–2000; a fit needs at least 10×); add a size of at least 10000 and sizes between 1000 and 10000",
            "probe pmu unavailable: \(Self.noPMU); unavailable: \(everyPMUMetric)",
            "unavailable: io.syscall.read.p99: \(Self.noTracepoint)",
        ])
    }

    @Test func anIPCThresholdStaysARowInEveryFormat() throws {
        let s = Self.report(ipc: 0.02)
        #expect(s.outcome == .inconclusive)
        let rows = Evidence.metrics(try #require(s.comparison)).filter { $0.metric == Metric.ipc.id }
        #expect(rows.map(\.size) == [1000, 2000])
        #expect(rows.allSatisfy { $0.note == "not evaluated: " + Self.noPMU })
        #expect(!Evidence.notices(s)[0].contains("pmu.ipc"), "the row shows it, the notice does not repeat it")
        let report = RunReport(startedAt: Date(timeIntervalSince1970: 0), environment: RunReportFixture.environment,
                               shard: nil, scenarios: [s])
        let renderers: [any RunReportRenderer] = [TerminalReport(color: false), JUnitReport(), MarkdownReport(),
                                                  HTMLReport()]
        for renderer in renderers {
            let text = renderer.render(report)
            #expect(text.contains("not evaluated: " + Self.noPMU), "\(type(of: renderer))")
            #expect(text.contains("io.syscall.read.p99"), "\(type(of: renderer))")
        }
    }
}
