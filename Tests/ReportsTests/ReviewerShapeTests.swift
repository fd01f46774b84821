import Analysis
import Foundation
import Model
@testable import Reports
import Testing

/// Reports a reviewer reads in ten seconds: verdict words only for what
/// gates, one line per scenario, details only where something did not pass,
/// and a Markdown summary that fits a pull-request comment whatever the
/// suite's size.
@Suite struct ReviewerShapeTests {
    static let verdictWords = ["PASS", "REGRESSED", "IMPROVED", "INCONCLUSIVE"]

    /// The fixture's scenarios, renamed and repeated to `count`.
    static func suite(_ count: Int, from scenarios: [ScenarioReport]) -> RunReport {
        var report = RunReportFixture.report()
        report.scenarios = (0..<count).map { i in
            var s = scenarios[i % scenarios.count]
            s.run.scenario.name = "scenario-\(i)-" + s.run.scenario.name
            return s
        }
        return report
    }

    @Test func informationalMetricsAndUngatedFunctionsCarryNoVerdictWord() {
        let report = RunReportFixture.report()
        let terminal = TerminalReport(color: false, verbose: true).render(report)
        let markdown = MarkdownReport().render(report)
        var checked = 0
        for s in report.scenarios {
            for m in s.comparison?.metrics ?? [] where !m.gated {
                for line in terminal.split(separator: "\n") where line.hasPrefix("  \(m.metric) ") {
                    checked += 1
                    #expect(!Self.verdictWords.contains { line.contains($0) }, "\(line)")
                }
                for line in markdown.split(separator: "\n") where line.hasPrefix("| `\(m.metric)` ") {
                    checked += 1
                    #expect(!Self.verdictWords.contains { line.contains($0) }, "\(line)")
                }
            }
        }
        #expect(checked >= 4, "the fixture has informational rows (max_rss, voluntary_switches)")
        // max_rss rose 10 → 12.5 MiB with a CI beyond 1: shown as a change, in no colour
        #expect(terminal.contains("↑ ×1.250"))
        #expect(!TerminalReport(color: true, verbose: true).render(report).contains("\u{1B}[31m↑"))
    }

    @Test func theDefaultTerminalReportIsOneLinePerScenarioThenWhatDidNotPass() {
        let report = RunReportFixture.report()
        let lines = TerminalReport(color: false).render(report).split(separator: "\n", omittingEmptySubsequences: false)
        #expect(lines[0] == "flamegate: FAILED — 5 scenarios: 1 FAILED, 1 REGRESSED, 2 INCONCLUSIVE, 1 PASS")
        let regressed = lines.first { $0.hasPrefix("REGRESSED") && $0.contains("parse-request") }
        #expect(regressed?.contains("wall ×1.103 [1.082, 1.125]") == true, "\(lines)")
        #expect(regressed?.contains("`hot_function`") == true, "the culprit is on the scenario's line")
        // the passing scenario is one line and no section; informational metrics are not listed
        #expect(!lines.contains { $0.hasPrefix("PASS  tokenize  (") })
        #expect(!lines.contains { $0.contains("max_rss") || $0.contains("next_token") })
        // the regressed scenario lists its gated moves: wall_time and the gating functions that did not pass
        #expect(lines.contains { $0.hasPrefix("  wall_time ") && $0.hasSuffix("REGRESSED") })
        #expect(!lines.contains { $0.hasPrefix("  cpu_time ") }, "a gated metric that passed is not a row")
        #expect(lines.contains { $0.contains("hot_function [slowdown]") })
        #expect(!lines.contains { $0.contains("read_input") }, "passing functions are in --verbose only")
    }

    /// A machine fact (no PMU) is said once for the suite, not per scenario.
    @Test func aProbeUnavailableEverywhereIsSaidOnce() {
        let report = Self.suite(3, from: [RunReportFixture.inconclusive()])
        let terminal = TerminalReport(color: false).render(report)
        let markdown = MarkdownReport().render(report)
        #expect(terminal.components(separatedBy: "probe pmu unavailable").count == 2, "\(terminal)")
        #expect(markdown.components(separatedBy: "probe pmu unavailable").count == 2, "\(markdown)")
        #expect(terminal.split(separator: "\n")[1] == "probe pmu unavailable: no hardware PMU", "right under the verdict")
    }

    @Test func aPassingSuiteFitsOneScreen() {
        let report = Self.suite(6, from: [RunReportFixture.pass()])
        let lines = TerminalReport(color: false).render(report).split(separator: "\n")
        #expect(lines.count <= 40, "\(lines.count) lines")
        #expect(lines.count == 7, "the headline and six scenario lines: \(lines)")
    }

    @Test func markdownStaysUnderTheCommentLimitWhateverTheSuiteSize() {
        let kinds = [RunReportFixture.regressed(), RunReportFixture.failed(), RunReportFixture.inconclusive(),
                     RunReportFixture.pass()]
        for count in [200, 2_000] {
            let report = Self.suite(count, from: kinds)
            let markdown = MarkdownReport(htmlReportURL: "https://ci.example/report.html").render(report)
            #expect(markdown.count < 60_000, "\(count) scenarios: \(markdown.count) characters")
            #expect(markdown.hasPrefix("## flamegate: FAILED"))
            #expect(markdown.contains("in the [HTML report](<https://ci.example/report.html>)"), "truncation links the HTML report")
            // the failing scenarios' details come first: the first details block is a FAILED one
            let firstDetails = markdown.range(of: "<details").map { markdown[$0.lowerBound...].prefix(60) }
            #expect(firstDetails?.contains("FAILED") == true, "\(String(describing: firstDetails))")
        }
        let small = MarkdownReport().render(RunReportFixture.report())
        #expect(!small.contains("tokenize (scenarios/tokenize.yaml)</summary>"), "no details block for a PASS")
    }
}
