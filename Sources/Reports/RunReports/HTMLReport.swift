import Analysis
import Foundation
import Model

/// The run report people look at (`report.html`): one self-contained page
/// with the verdict up front, then per scenario the one-line reason, the
/// failure, warnings, the metrics with ratios and confidence intervals, the
/// functions that moved, the CPU flame graph and its differential graphs
/// against the baseline (current widths, then baseline widths so removed code
/// shows), the complexity plot of swept sizes and the lost-data counters;
/// the machines compared close the page.
///
/// Headings nest (h1 › h2 scenario › h3 part › h4 size), sections fold with
/// `<details>`, every chart has an accessible name, and all controls are
/// native buttons, inputs and summaries, so the page works from the
/// keyboard and with a screen reader. It never loads anything: see ``HTMLPage``.
public struct HTMLReport: RunReportRenderer {
    /// How many of the largest share moves to list besides the functions that are not PASS.
    public var topFunctions: Int
    public var orientation: FlameGraph.Orientation

    public init(topFunctions: Int = 10, orientation: FlameGraph.Orientation = .flame) {
        self.topFunctions = topFunctions
        self.orientation = orientation
    }

    public func render(_ report: RunReport) -> String {
        let outcome = report.outcome
        var body = "<header class=\"verdict \(Markup.slug(outcome.rawValue))\">\n"
            + "<h1>flamegate: \(Markup.escape(outcome.rawValue))</h1>\n"
            + "<p role=\"status\"><strong>\(Markup.escape(Evidence.counts(report)))</strong>"
            + (report.shard.map { " (shard " + Markup.escape($0) + ")" } ?? "") + "</p>\n"
            + "<p class=\"meta\">flamegate \(Markup.escape(report.flamegateVersion)) · started "
            + Self.date(report.startedAt) + "</p>\n</header>\n"
        body += overview(report) + "<main>\n"
        for (index, scenario) in report.scenarios.enumerated() {
            body += section(scenario, id: "scenario-\(index + 1)-" + Markup.slug(scenario.name))
        }
        body += environment(report) + "</main>\n"
        return HTMLPage.render(title: "flamegate: \(outcome.rawValue)", body: body)
    }

    static func date(_ date: Date) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.timeZone = TimeZone(identifier: "UTC")
        let text = formatter.string(from: date)
        return "<time datetime=\"\(text)\">\(text)</time>"
    }

    func overview(_ report: RunReport) -> String {
        guard !report.scenarios.isEmpty else { return "" }
        let rows = report.scenarios.enumerated().map { index, s -> [HTMLPage.Cell] in
            let wall = Evidence.headlineRatio(Evidence.headlineWallTime(s.comparison)) ?? "-"
            let link = "<a href=\"#scenario-\(index + 1)-\(Markup.slug(s.name))\">\(Markup.escape(s.name))</a>"
            return [HTMLPage.Cell(link, raw: true), HTMLPage.Cell(HTMLPage.badge(s.outcome.rawValue), raw: true),
                    .number(wall), HTMLPage.Cell(Evidence.why(s))]
        }
        return "<nav aria-label=\"Scenarios\">\n<h2>Scenarios</h2>\n"
            + HTMLPage.table(headers: ["scenario", "outcome", "wall time ratio [95% CI]", "why"], rows: rows)
            + "</nav>\n"
    }

    func section(_ s: ScenarioReport, id: String) -> String {
        var out = "<section class=\"scenario\" id=\"\(id)\" aria-labelledby=\"\(id)-h\">\n"
            + "<h2 id=\"\(id)-h\">\(HTMLPage.badge(s.outcome.rawValue)) \(Markup.escape(s.name)) "
            + "<small>(\(Markup.escape(s.run.file)))</small></h2>\n"
            + "<p>\(Markup.escape(Evidence.summary(s)))</p>\n"
        if let failure = s.run.failure {
            if let context = Evidence.failureContext(failure) { out += "<p>At \(Markup.escape(context)).</p>\n" }
            if let tail = failure.stderrTail {
                let lines = Formatting.lines(tail)
                out += lines.isEmpty ? "<p>stderr: (empty)</p>\n"
                    : "<p>stderr tail:</p>\n<pre>\(Markup.escape(lines.joined(separator: "\n")))</pre>\n"
            }
        }
        let notices = Evidence.notices(s)
        if !notices.isEmpty {
            out += "<ul class=\"notices\">\n" + notices.map { "<li>\(Markup.escape($0))</li>\n" }.joined() + "</ul>\n"
        }
        let findings = Evidence.findingLines(s)
        if !findings.isEmpty {
            out += HTMLPage.details("Findings", level: 3, open: true,
                                    "<pre>\(Markup.escape(findings.joined(separator: "\n")))</pre>\n")
        }
        out += flameGraphs(s)
        if let comparison = s.comparison {
            // what gates and moved is in the one-line reason above; the full tables fold
            if !comparison.metrics.isEmpty {
                out += HTMLPage.details("Metrics", level: 3, open: false, metricsTable(Evidence.metrics(comparison)))
            }
            let functions = functionsTable(comparison)
            if !functions.isEmpty { out += HTMLPage.details("Functions", level: 3, open: false, functions) }
        }
        out += complexity(s)
        let lost = s.run.sizes.contains { $0.runs.contains { $0.lost.contains { $0.count > 0 } } }
        out += HTMLPage.details("Lost data", level: 3, open: lost, lostData(s))
        return out + "</section>\n"
    }

    func metricsTable(_ metrics: [MetricComparison]) -> String {
        let rows = metrics.map { m -> [HTMLPage.Cell] in
            let lead: [HTMLPage.Cell] = [HTMLPage.Cell("<code>\(Markup.escape(m.metric))</code>", raw: true),
                                         .number(m.size.map(String.init) ?? "-")]
            let verdict = m.gated ? HTMLPage.Cell(HTMLPage.badge(m.verdict.rawValue.uppercased()), raw: true)
                : HTMLPage.Cell(Evidence.metricLabel(m))
            if let note = m.note { return lead + [HTMLPage.Cell(note), "", "", "", "", verdict] }
            let c = m.comparison
            return lead + [.number(Formatting.quantity(m.baselineMedian, unit: m.unit)),
                           .number(Formatting.quantity(m.currentMedian, unit: m.unit)),
                           .number(c.map { Formatting.ratio($0.ratio) } ?? "-"),
                           .number(c.map { Formatting.interval($0.ciLower, $0.ciUpper) } ?? "-"),
                           .number(c.map { Formatting.pValue($0.pValue) } ?? "-"), verdict]
        }
        return HTMLPage.table(headers: ["metric", "size", "baseline median", "current median", "ratio", "95% CI", "p",
                                        "verdict"], rows: rows)
    }

    func functionsTable(_ comparison: ScenarioComparison) -> String {
        let (functions, omitted) = Evidence.functions(comparison, top: topFunctions)
        guard !functions.isEmpty else { return "" }
        let rows = functions.map { f -> [HTMLPage.Cell] in
            [HTMLPage.Cell("<code>\(Markup.escape(f.name))</code>" + (f.module.isEmpty ? "" : " [\(Markup.escape(f.module))]")
                + (f.size.map { " (size \($0))" } ?? ""), raw: true),
             .number(Evidence.shareChange(f)), .number(Evidence.timeChange(f)), .number(Evidence.pValues(f)),
             f.gates ? HTMLPage.Cell(HTMLPage.badge(f.verdict.rawValue.uppercased()), raw: true)
                 : HTMLPage.Cell(Evidence.verdictLabel(f))]
        }
        return HTMLPage.table(caption: "Inclusive CPU share per run, baseline → current",
                              headers: ["function", "inclusive share", "CPU time per run", "p (BH-adjusted)", "verdict"],
                              rows: rows)
            + (omitted > 0 ? "<p>\(omitted) more function\(omitted == 1 ? "" : "s") passed.</p>\n" : "")
    }

    /// The current flame graph of each size, and the two differential graphs where the baseline has that size.
    func flameGraphs(_ s: ScenarioReport) -> String {
        let sizes = ScenarioFlameGraphs.make(s, orientation: orientation)
        guard !sizes.isEmpty else { return "" }
        let culprit = Self.culprit(s)
        var content = HTMLPage.searchForm("Search functions in these graphs")
        for (i, entry) in sizes.enumerated() {
            // with a culprit: the differential graph first, opened on it
            var ordered = entry.graphs
            if culprit != nil, let diff = ordered.firstIndex(where: { $0.name == "cpu-diff" }) {
                var first = ordered.remove(at: diff)
                first.graph.focus = culprit
                ordered.insert(first, at: 0)
            }
            var graphs = ordered.map { Self.figure($0.render(embedded: true), caption: $0.caption) }.joined()
            if !entry.hasBaseline {
                graphs += "<p>No baseline profile" + (entry.size.map { " of size \($0)" } ?? "")
                    + " to draw a differential flame graph with.</p>\n"
            }
            content += sizes.count == 1 ? graphs
                : HTMLPage.details("Size \(entry.size.map(String.init) ?? "-")", level: 4, open: i == sizes.count - 1,
                                   graphs)
        }
        return HTMLPage.details("Flame graphs", level: 3, open: s.outcome.failsGate || s.outcome == .inconclusive, content)
    }

    /// The function a failing scenario's flame graph opens on: the first
    /// error finding's, else the gating function that regressed most.
    static func culprit(_ s: ScenarioReport) -> String? {
        guard s.outcome == .regressed else { return nil }
        if let f = s.findings.first(where: { $0.severity == .error }), !f.function.isEmpty { return f.function }
        return s.comparison.flatMap { Evidence.gatedFunctionMoves($0).first { $0.verdict == .regressed }?.name }
    }

    static func figure(_ svg: String, caption: String) -> String {
        "<figure>\n\(svg)<figcaption>\(Markup.escape(caption))</figcaption>\n</figure>\n"
    }

    /// The log-log plot of wall time by size, for scenarios that sweep at least two sizes.
    func complexity(_ s: ScenarioReport) -> String {
        let points = s.run.sizes.compactMap { r in
            r.size.map { ComplexityPlot.Point(size: Double($0), values: r.values(Metric.wallTime.id)) }
        }
        guard Set(points.filter { !$0.values.isEmpty }.map(\.size)).count >= 2 else { return "" }
        let plot = ComplexityPlot(title: s.name + ": wall time by size", points: points,
                                  threshold: s.run.scenario.thresholds.complexityExponent)
        return HTMLPage.details("Complexity", level: 3, open: true,
                                Self.figure(plot.render(), caption: "Exponent of the least-squares line through the "
                                    + "medians (95% bootstrap interval); the dashed line grows at the threshold."))
    }

    /// Lost-data counters summed over the runs of each size.
    func lostData(_ s: ScenarioReport) -> String {
        var rows: [[HTMLPage.Cell]] = []
        for size in s.run.sizes {
            var sums: [String: (count: UInt64, runs: Int, meaning: String)] = [:]
            for run in size.runs {
                for c in run.lost where c.count > 0 {
                    let key = c.source + "." + c.name
                    let old = sums[key] ?? (0, 0, c.meaning)
                    sums[key] = (old.count + c.count, old.runs + 1, c.meaning)
                }
            }
            for key in sums.keys.sorted() {
                let v = sums[key]!
                rows.append([HTMLPage.Cell("<code>\(Markup.escape(key))</code>", raw: true),
                             .number(size.size.map(String.init) ?? "-"), .number(FlameUnit.grouped(v.count)),
                             .number("\(v.runs) of \(size.runs.count)"), HTMLPage.Cell(v.meaning)])
            }
        }
        guard !rows.isEmpty else {
            return "<p>No data was lost: every lost-data counter of the \(s.run.sizes.reduce(0) { $0 + $1.runs.count }) "
                + "measured runs was zero.</p>\n"
        }
        return HTMLPage.table(headers: ["counter", "size", "lost", "runs affected", "meaning"], rows: rows)
    }

    /// This run's machine beside each distinct baseline machine.
    func environment(_ report: RunReport) -> String {
        var columns: [(label: String, env: EnvironmentFingerprint)] = [("this run", report.environment)]
        for s in report.scenarios {
            guard let env = s.baselineEnvironment else { continue }
            if let i = columns.indices.dropFirst().first(where: { columns[$0].env == env }) {
                columns[i].label += ", " + s.name
            } else {
                columns.append(("baseline of " + s.name, env))
            }
        }
        let fields: [(String, (EnvironmentFingerprint) -> String)] = [
            ("kernel", \.kernel), ("CPU", \.cpuModel), ("cores", { String($0.cores) }),
            ("flamegate", \.flamegateVersion),
        ]
        let rows = fields.map { field in [HTMLPage.Cell(field.0)] + columns.map { HTMLPage.Cell(field.1($0.env)) } }
        return "<section aria-labelledby=\"environment-h\">\n<h2 id=\"environment-h\">Environment</h2>\n"
            + HTMLPage.table(headers: [""] + columns.map(\.label), rows: rows) + "</section>\n"
    }
}
