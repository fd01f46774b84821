import Analysis
import Foundation
import Model
import Testing
@testable import Reports

/// The choices every renderer shares: which functions, in which order, and
/// the one-line reasons.
@Suite struct EvidenceTests {
    static func function(_ name: String, delta: Double, _ verdict: Verdict = .pass) -> FunctionComparison {
        RunReportFixture.function(name, "m", 10, 10 + delta, 0.1, 0.1, p: 0.5, adjusted: 0.5, verdict)
    }

    @Test func showsEveryFunctionThatIsNotPassPlusTheLargestMoves() {
        let functions = [
            Self.function("a", delta: 0.6), Self.function("b", delta: -5), Self.function("c", delta: 4),
            Self.function("d", delta: 0.5, .regressed), Self.function("e", delta: 3), Self.function("f", delta: 0.7),
        ]
        let comparison = ScenarioComparison(metrics: [], functions: functions)
        let (shown, omitted) = Evidence.functions(comparison, top: 2)
        // d is past the top 2 but regressed; then by |Δ share|
        #expect(shown.map(\.name) == ["d", "b", "c"])
        #expect(omitted == 3)
        #expect(Evidence.functions(comparison, top: 0).shown.map(\.name) == ["d"])
        #expect(Evidence.functions(comparison, top: 10).shown.count == 6)
    }

    @Test func equalMovesKeepAStableOrder() {
        let comparison = ScenarioComparison(metrics: [], functions: [
            Self.function("z", delta: 1), Self.function("y", delta: -1), Self.function("x", delta: 1),
        ])
        #expect(Evidence.functions(comparison, top: 5).shown.map(\.name) == ["x", "y", "z"])
    }

    @Test func gatedMetricsComeFirst() {
        let report = RunReportFixture.regressed()
        #expect(Evidence.metrics(report.comparison!).map(\.metric) == ["wall_time", "cpu_time", "max_rss"])
    }

    @Test func countsListOutcomesBySeverity() {
        #expect(Evidence.counts(RunReportFixture.report())
            == "5 scenarios: 1 FAILED, 1 REGRESSED, 2 INCONCLUSIVE, 1 PASS")
        let one = RunReport(startedAt: Date(timeIntervalSince1970: 0), environment: RunReportFixture.environment,
                            shard: nil, scenarios: [RunReportFixture.pass()])
        #expect(Evidence.counts(one) == "1 scenario: 1 PASS")
    }

    @Test func summariesNameWhatDecidedTheOutcome() {
        #expect(Evidence.summary(RunReportFixture.pass()) == "within thresholds")
        #expect(Evidence.summary(RunReportFixture.regressed())
            == "regressed: wall_time ratio 1.103 [1.082, 1.125]; function `hot_function` +2.5 pp, +101.0 ms/run")
        #expect(Evidence.summary(RunReportFixture.failed()) == "exit failure: exit code 2, expected 0 | `parse` aborted")
        #expect(Evidence.summary(RunReportFixture.inconclusive(), prefixed: false)
            == "wall_time (size 1000) ratio 1.040 [0.990, 1.090]; ipc (size 1000): unavailable: no PMU")
        #expect(Evidence.summary(RunReportFixture.noBaseline()) == "not compared with a baseline")
    }

    /// A scenario left undecided on many items: the line names the gated
    /// metrics, then the functions that moved most, and counts the rest.
    @Test func aSummaryNamesThreeItemsAndCountsTheRest() {
        var scenario = RunReportFixture.inconclusive()
        scenario.comparison?.functions = (1...5).map { i in
            RunReportFixture.function("f\(i)", "app", 10, 10 + Double(6 - i), 0.01, 0.012, p: 0.04,
                                      adjusted: 0.2, .inconclusive)
        }
        #expect(Evidence.summary(scenario, prefixed: false)
            == "wall_time (size 1000) ratio 1.040 [0.990, 1.090]; ipc (size 1000): unavailable: no PMU; "
            + "function `f1` +5.0 pp, +2.0 ms/run; and 4 more")
    }

    @Test func headlineWallTimeIsTheWorstSize() {
        let headline = Evidence.headlineWallTime(RunReportFixture.inconclusive().comparison)
        #expect(headline?.size == 1000)
        #expect(Evidence.headlineWallTime(nil) == nil)
    }

    @Test func warmupFailuresSaySo() {
        #expect(Evidence.failureContext(ScenarioFailure(kind: .timeout, message: "m", repetition: 0)) == "warmup run")
        #expect(Evidence.failureContext(ScenarioFailure(kind: .build, message: "m")) == nil)
    }
}

@Suite struct MarkdownEscapingTests {
    @Test func cellsCannotBreakTheTable() {
        #expect(MarkdownReport.cell("a|b `c` *d* _e_ <f> [g](h) ~i~ & \\") == "a\\|b \\`c\\` \\*d\\* \\_e\\_ \\<f\\> \\[g\\](h) \\~i\\~ &amp; \\\\")
        #expect(MarkdownReport.cell("two\nlines") == "two lines")
    }

    @Test func codeSpansOutlastTheirContent() {
        #expect(MarkdownReport.code("hot_function") == "`hot_function`")
        #expect(MarkdownReport.code("operator|") == "`operator\\|`")
        #expect(MarkdownReport.code("a``b") == "```a``b```")
        #expect(MarkdownReport.code("`x") == "`` `x ``")
        #expect(MarkdownReport.code("") == "")
    }

    @Test func fencesOutlastTheirContent() {
        #expect(MarkdownReport.codeBlock(["plain"]) == "```text\nplain\n```\n")
        #expect(MarkdownReport.codeBlock(["````x"]) == "`````text\n````x\n`````\n")
    }

    @Test func htmlSummariesAreEscaped() {
        #expect(MarkdownReport.html("a<b>&c") == "a&lt;b&gt;&amp;c")
    }
}
