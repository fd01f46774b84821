import Analysis
import Model

/// The console summary of `flamegate run`: one line with the outcome and the
/// counts, one line per scenario (verdict, wall-time ratio with its CI, the
/// culprit), then only for the scenarios that did not pass the failure,
/// warnings, findings, and the gated metrics and functions that moved.
/// `verbose` shows every scenario with every metric, size and function.
///
/// ANSI colour only when `color` is true (the caller decides: a TTY, no
/// `NO_COLOR`); text from the target is shown with control characters made
/// visible, so a stderr tail cannot drive the terminal. No dates: the same
/// report always renders the same text.
public struct TerminalReport: RunReportRenderer {
    public var color: Bool
    /// How many of the largest share moves to list besides the functions that are not PASS.
    public var topFunctions: Int
    public var verbose: Bool

    public init(color: Bool, topFunctions: Int = 5, verbose: Bool = false) {
        self.color = color
        self.topFunctions = topFunctions
        self.verbose = verbose
    }

    public func render(_ report: RunReport) -> String {
        let outcome = report.outcome
        var out = paint("flamegate", .bold) + (report.shard.map { " (shard \(Formatting.oneLine($0)))" } ?? "") + ": "
            + paint(outcome.rawValue, ANSIStyle.of(outcome, bold: true)) + " — " + Evidence.counts(report) + "\n"
        if verbose {
            for scenario in report.scenarios {
                out += "\n" + header(scenario) + "\n"
                out += (failureLines(scenario) + noticeLines(scenario) + findingLines(scenario) + comparisonLines(scenario)
                        + Evidence.complexityLines(scenario))
                    .map { "  " + $0 + "\n" }.joined()
            }
            return out
        }
        let shared = Evidence.sharedProbeNotices(report)
        out += ((Evidence.sharedBase(report).map { [$0] } ?? []) + shared).map { $0 + "\n" }.joined()
        if !report.scenarios.isEmpty {
            out += "\n" + overviewLines(report).map { $0 + "\n" }.joined()
        }
        for scenario in report.scenarios where scenario.outcome != .pass {
            out += "\n" + header(scenario) + "\n"
            out += (failureLines(scenario) + noticeLines(scenario, besides: shared) + findingLines(scenario) + movedLines(scenario)
                    + Evidence.complexityLines(scenario))
                .map { "  " + $0 + "\n" }.joined()
        }
        return out
    }

    /// One line per scenario: `REGRESSED  parse-request  wall ×1.103 [1.082, 1.125]  hotspot: …`.
    func overviewLines(_ report: RunReport) -> [String] {
        var table = TextTable([.left, .left, .left, .left])
        for s in report.scenarios {
            let (ratio, reason) = Evidence.overview(s)
            table.add([.init(s.outcome.rawValue, ANSIStyle.of(s.outcome, bold: true)), .init(Formatting.oneLine(s.name)),
                       .init(ratio), .init(reason)])
        }
        return table.render(color: color, indent: "").map { $0.replacingOccurrences(of: "\\s+$", with: "", options: .regularExpression) }
    }

    /// The gated metrics and the gating functions that did not pass: what a
    /// reviewer needs to see (`--verbose` shows the rest).
    func movedLines(_ scenario: ScenarioReport) -> [String] {
        guard let comparison = scenario.comparison else { return [] }
        var lines = metricsTable(Evidence.gatedMoves(comparison))
        let functions = Evidence.gatedFunctionMoves(comparison)
        if !functions.isEmpty {
            lines.append(paint("functions (inclusive CPU share per run, baseline → current):", .bold))
            lines += functionTable(functions)
        }
        return lines
    }

    /// `REGRESSED  parse-request  (scenarios/parse.yaml)`.
    func header(_ scenario: ScenarioReport) -> String {
        paint(scenario.outcome.rawValue, ANSIStyle.of(scenario.outcome, bold: true)) + "  "
            + paint(Formatting.oneLine(scenario.name), .bold) + "  (" + Formatting.oneLine(scenario.run.file) + ")"
    }

    /// The failure's kind and message, where it happened and the stderr tail; empty when nothing failed.
    func failureLines(_ scenario: ScenarioReport) -> [String] {
        guard let failure = scenario.run.failure else { return [] }
        var lines = [paint("\(failure.kind.rawValue) failure:", .red) + " " + Formatting.oneLine(failure.message)]
        if let context = Evidence.failureContext(failure) { lines.append("at " + context) }
        if let tail = failure.stderrTail {
            let tailLines = Formatting.lines(tail)
            lines.append(tailLines.isEmpty ? "stderr: (empty)" : "stderr tail:")
            lines += tailLines.map { "  " + $0 }
        }
        return lines
    }

    /// `warning: …` and unavailable probes.
    func noticeLines(_ scenario: ScenarioReport, besides shared: [String] = []) -> [String] {
        Evidence.notices(scenario, besides: shared).map { notice in
            notice.hasPrefix("warning:") ? paint("warning:", .yellow) + notice.dropFirst("warning:".count) : notice
        }
    }

    /// The detectors' findings, errors in red.
    func findingLines(_ scenario: ScenarioReport) -> [String] {
        Evidence.findingLines(scenario).map { line in
            line.hasPrefix("ERROR") ? paint("ERROR", .red) + line.dropFirst("ERROR".count)
                : line.hasPrefix("warning") ? paint("warning", .yellow) + line.dropFirst("warning".count) : line
        }
    }

    /// The metrics table and the functions that moved; empty without a comparison.
    func comparisonLines(_ scenario: ScenarioReport) -> [String] {
        guard let comparison = scenario.comparison else { return [] }
        var lines = metricsTable(Evidence.metrics(comparison))
        let (functions, omitted) = Evidence.functions(comparison, top: topFunctions)
        if !functions.isEmpty {
            lines.append(paint("functions (inclusive CPU share per run, baseline → current):", .bold))
            lines += functionTable(functions)
        }
        if omitted > 0 {
            lines.append("  … \(omitted) more function\(omitted == 1 ? "" : "s") that passed")
        }
        return lines
    }

    /// `hot_function [slowdown]  50.1% → 52.6% (+2.5 pp)  +0.101 s/run (+10.0%)  p=0.0002 (adj 0.0004)  REGRESSED`.
    func functionTable(_ functions: [FunctionComparison]) -> [String] {
        var table = TextTable([.left, .right, .right, .right, .right, .left, .left, .left, .left],
                              gaps: ["", "  ", " → ", " ", "  ", " ", "  ", " ", "  "])
        for f in functions {
            let time = Evidence.timeParts(f)
            table.add([.init(Evidence.functionLabel(f)), .init(Formatting.percent(f.baselineShare)),
                       .init(Formatting.percent(f.currentShare)), .init("(" + Formatting.points(f.deltaPoints) + ")"),
                       .init(time.change), .init(time.relative), .init("p=" + Formatting.pValue(f.pValue)),
                       .init("(adj " + Formatting.pValue(f.adjustedPValue) + ")"),
                       .init(Evidence.verdictLabel(f), f.gates ? ANSIStyle.of(f.verdict) : nil)])
        }
        return table.render(color: color, indent: "  ")
    }

    func metricsTable(_ metrics: [MetricComparison]) -> [String] {
        guard !metrics.isEmpty else { return [] }
        var table = TextTable([.left, .right, .right, .right, .right, .left, .right, .left])
        table.add(["metric", "size", "baseline", "current", "ratio", "95% CI", "p", "verdict"].map { .init($0, .bold) })
        for m in metrics {
            let lead: [TextTable.Cell] = [.init(m.metric), .init(m.size.map(String.init) ?? "-")]
            let verdict = TextTable.Cell(Evidence.metricLabel(m), m.gated ? ANSIStyle.of(m.verdict) : nil)
            if let note = m.note {
                table.add(lead: lead, span: .init(Formatting.oneLine(note)), trail: [verdict])
                continue
            }
            let c = m.comparison
            table.add(lead + [
                .init(Formatting.quantity(m.baselineMedian, unit: m.unit)),
                .init(Formatting.quantity(m.currentMedian, unit: m.unit)),
                .init(c.map { Formatting.ratio($0.ratio) } ?? "-"),
                .init(c.map { Formatting.interval($0.ciLower, $0.ciUpper) } ?? "-"),
                .init(c.map { Formatting.pValue($0.pValue) } ?? "-"),
                verdict,
            ])
        }
        return table.render(color: color, indent: "")
    }

    private func paint(_ text: String, _ style: ANSIStyle) -> String {
        ANSIStyle.paint(text, style, color: color)
    }
}
