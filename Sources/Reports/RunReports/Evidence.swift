import Analysis
import Model

/// What the run-report renderers say about a scenario, chosen in one place so
/// the terminal, JUnit and Markdown reports show the same metrics, the same
/// functions and the same one-line reason for an outcome.
enum Evidence {
    /// A function's verdict as a word when it gates; the kernel's, the
    /// probes' and unresolved ones (see `FunctionComparison.gates`) only say
    /// "not gated": verdict words are for what decides the outcome.
    static func verdictLabel(_ f: FunctionComparison) -> String {
        f.gates ? f.verdict.rawValue.uppercased() : "not gated"
    }

    /// Outcomes from the most to the least severe: the order counts are listed in.
    static let outcomeOrder: [Outcome] = [.failed, .regressed, .inconclusive, .improved, .pass]

    /// `4 scenarios: 1 FAILED, 1 REGRESSED, 2 PASS` (outcomes that occur, most severe first).
    static func counts(_ report: RunReport) -> String {
        let n = report.scenarios.count
        let parts = outcomeOrder.compactMap { o in report.count(o) > 0 ? "\(report.count(o)) \(o.rawValue)" : nil }
        return "\(n) scenario\(n == 1 ? "" : "s")" + (parts.isEmpty ? "" : ": " + parts.joined(separator: ", "))
    }

    /// Comparison rows, gated metrics first (they decide the verdict), otherwise in comparison order.
    /// Informational metrics this machine could not measure are not rows: `notices` lists them.
    static func metrics(_ comparison: ScenarioComparison) -> [MetricComparison] {
        let rows = comparison.metrics.filter { unavailableReason($0) == nil }
        return rows.filter(\.gated) + rows.filter { !$0.gated }
    }

    /// Why an informational metric has no values (its note is "unavailable: reason"); nil otherwise.
    static func unavailableReason(_ m: MetricComparison) -> String? {
        guard !m.gated, m.comparison == nil, let note = m.note, note.hasPrefix("unavailable: ") else { return nil }
        return String(note.dropFirst("unavailable: ".count))
    }

    /// The unavailable informational metrics by reason, in comparison order without repeats across sizes.
    static func unavailableMetrics(_ comparison: ScenarioComparison?) -> [(reason: String, metrics: [String])] {
        var groups: [(reason: String, metrics: [String])] = []
        for m in comparison?.metrics ?? [] {
            guard let reason = unavailableReason(m) else { continue }
            if let i = groups.firstIndex(where: { $0.reason == reason }) {
                if !groups[i].metrics.contains(m.metric) { groups[i].metrics.append(m.metric) }
            } else {
                groups.append((reason, [m.metric]))
            }
        }
        return groups
    }

    /// Functions worth showing: every one that is not PASS plus the `top` largest
    /// moves in inclusive share; most severe first, then by |Δ share|, then by name.
    static func functions(_ comparison: ScenarioComparison, top: Int)
        -> (shown: [FunctionComparison], omitted: Int) {
        let byMove = comparison.functions.enumerated().sorted { a, b in
            let x = abs(a.element.deltaPoints), y = abs(b.element.deltaPoints)
            return x != y ? x > y : a.offset < b.offset
        }
        let picked = byMove.enumerated().filter { rank, f in rank < top || f.element.verdict != .pass }.map(\.element)
        let shown = picked.sorted { a, b in
            let x = severity(a.element.verdict), y = severity(b.element.verdict)
            if x != y { return x > y }
            let dx = abs(a.element.deltaPoints), dy = abs(b.element.deltaPoints)
            if dx != dy { return dx > dy }
            return (a.element.name, a.element.module, a.offset) < (b.element.name, b.element.module, b.offset)
        }.map(\.element)
        return (shown, comparison.functions.count - shown.count)
    }

    static func severity(_ v: Verdict) -> Int {
        switch v {
        case .pass: return 0
        case .improved: return 1
        case .inconclusive: return 2
        case .regressed: return 3
        }
    }

    /// Seconds of wall time the scenario's measured runs took (the JUnit test time).
    static func wallSeconds(_ run: ScenarioRun) -> Double {
        run.sizes.reduce(0) { $0 + $1.values(Metric.wallTime.id).reduce(0, +) }
    }

    /// The comparison of wall time to show as a scenario's headline: the most
    /// severe size, then the largest ratio; nil when wall time was not compared.
    static func headlineWallTime(_ comparison: ScenarioComparison?) -> MetricComparison? {
        comparison?.metrics.filter { $0.metric == Metric.wallTime.id && $0.comparison != nil }.max { a, b in
            let x = severity(a.verdict), y = severity(b.verdict)
            return x != y ? x < y : a.comparison!.ratio < b.comparison!.ratio
        }
    }

    // MARK: what gates, what only informs

    /// A metric's last column: the verdict word when it gates; for an
    /// informational metric only how it moved (`↑ ×1.250`, `↓ ×0.632`,
    /// `unchanged` when its 95% CI holds 1), never a verdict word.
    static func metricLabel(_ m: MetricComparison) -> String {
        if m.gated { return m.verdict.rawValue.uppercased() }
        guard let c = m.comparison else { return "-" }
        if c.ciLower > 1 { return "↑ ×" + Formatting.ratio(c.ratio) }
        if c.ciUpper < 1 { return "↓ ×" + Formatting.ratio(c.ratio) }
        return "unchanged"
    }

    /// The gated metrics that did not pass: the rows a reviewer needs.
    static func gatedMoves(_ comparison: ScenarioComparison) -> [MetricComparison] {
        comparison.metrics.filter { $0.gated && $0.verdict != .pass }
    }

    /// The functions that gate and did not pass, most severe first.
    static func gatedFunctionMoves(_ comparison: ScenarioComparison) -> [FunctionComparison] {
        functions(comparison, top: 0).shown.filter { $0.gates && $0.verdict != .pass }
    }

    /// A scenario's line in the overview: the headline wall-time ratio with
    /// its CI, the run's noise when the base was measured alongside, and
    /// what decided the outcome (the culprit when there is one).
    static func overview(_ scenario: ScenarioReport) -> (ratio: String, reason: String) {
        let headline = headlineWallTime(scenario.comparison)
        var ratio = headlineRatio(headline).map { "wall ×" + $0 } ?? ""
        if let s = scenario.sensitivity { ratio += String(format: "  noise ±%.1f%%", s.halfWidth * 100) }
        let reason = scenario.outcome == .pass ? (sweepNotice(scenario) ?? "")
            : summary(scenario, prefixed: false, besides: headline)
        return (ratio, reason)
    }

    /// Why the size sweep gave no exponent, said even when the scenario passed.
    static func sweepNotice(_ scenario: ScenarioReport) -> String? {
        scenario.complexity?.notFitted.map { "size sweep: " + Formatting.oneLine($0) }
    }

    /// The headline's `1.103 [1.082, 1.125]` (with ` (size N)`); nil without one.
    static func headlineRatio(_ m: MetricComparison?) -> String? {
        guard let m, let c = m.comparison else { return nil }
        return Formatting.ratio(c.ratio) + " " + Formatting.interval(c.ciLower, c.ciUpper) + (m.size.map { " (size \($0))" } ?? "")
    }

    /// The overview's reason as the Markdown and HTML tables show it: never
    /// empty (`within thresholds` for a PASS, the outcome when the ratio beside it says it all).
    static func why(_ scenario: ScenarioReport) -> String {
        guard scenario.outcome != .pass else {
            return "within thresholds" + (sweepNotice(scenario).map { "; " + $0 } ?? "")
        }
        let reason = overview(scenario).reason
        return reason.isEmpty ? scenario.outcome.rawValue.lowercased() : reason
    }

    // MARK: one-line texts

    /// One line saying what decided the outcome: the regressed (inconclusive,
    /// improved) metrics and functions, or the failure. `prefixed` starts it
    /// with the verdict (`regressed: wall_time …`).
    static func summary(_ scenario: ScenarioReport, prefixed: Bool = true, besides shown: MetricComparison? = nil) -> String {
        if scenario.outcome == .failed {
            guard let failure = scenario.run.failure else { return "failed" }
            return "\(failure.kind.rawValue) failure: " + Formatting.oneLine(failure.message)
        }
        if scenario.outcome == .regressed, let finding = leadingFinding(scenario) {
            return (prefixed ? "regressed: " : "") + finding
        }
        guard let comparison = scenario.comparison else {
            return scenario.outcome == .pass ? "within thresholds" : "not compared with a baseline"
        }
        let verdict: Verdict
        switch scenario.outcome {
        case .regressed: verdict = .regressed
        case .improved: verdict = .improved
        case .inconclusive: verdict = .inconclusive
        case .pass, .failed: return "within thresholds"
        }
        let items = comparison.metrics.filter { $0.gated && $0.verdict == verdict && !($0.metric == shown?.metric && $0.size == shown?.size) }
            .map(metricItem)
            + comparison.functions.filter { $0.verdict == verdict }.map(functionItem)
        guard !items.isEmpty else { return shown != nil ? "" : verdict.rawValue }
        // the gated metrics, then the functions that moved most: every report lists the rest
        // in its details, and a line naming dozens of undecided items hides the few that matter
        let named = items.prefix(summaryItems)
        let rest = items.count - named.count
        return (prefixed ? verdict.rawValue + ": " : "") + named.joined(separator: "; ")
            + (rest > 0 ? "; and \(rest) more" : "")
    }

    /// The most metrics and functions one summary line names.
    static let summaryItems = 3

    /// `wall_time ratio 1.103 [1.082, 1.125]`, or the metric's note.
    static func metricItem(_ m: MetricComparison) -> String {
        let label = m.metric + (m.size.map { " (size \($0))" } ?? "")
        if let note = m.note { return label + ": " + Formatting.oneLine(note) }
        guard let c = m.comparison else { return label }
        return label + " ratio " + Formatting.ratio(c.ratio) + " " + Formatting.interval(c.ciLower, c.ciUpper)
    }

    /// `function hot_function +2.5 pp, +0.101 s/run`.
    static func functionItem(_ f: FunctionComparison) -> String {
        "function `" + Formatting.oneLine(f.name) + "`" + (f.size.map { " (size \($0))" } ?? "") + " "
            + Formatting.points(f.deltaPoints) + ", " + Formatting.signedSeconds(f.deltaSeconds) + "/run"
    }

    /// `exit failure: …` with where it happened: `size 1000, repetition 3`.
    static func failureContext(_ failure: ScenarioFailure) -> String? {
        var parts: [String] = []
        if let size = failure.size { parts.append("size \(size)") }
        if let repetition = failure.repetition {
            parts.append(repetition == 0 ? "warmup run" : "repetition \(repetition)")
        }
        return parts.isEmpty ? nil : parts.joined(separator: ", ")
    }

    /// Notices beside the numbers: the scenario's warnings, probes that could not run and
    /// the metrics left unmeasured, one line per reason (`probe pmu unavailable: no PMU …;
    /// unavailable: pmu.cycles, pmu.instructions, …`).
    /// What the scenario was compared with and how finely: `compared with
    /// base 1a2b3c4d5e6f (main): 10 pairs interleaved (look 1 of 3, α 0.031);
    /// wall-time noise ±0.8%: could flag ≥ 5.9%`. Nil without a base or a comparison.
    static func comparedWith(_ scenario: ScenarioReport) -> String? {
        var parts: [String] = []
        if let base = scenario.base, base.failure == nil, !base.isNew {
            parts.append("compared with base " + Formatting.oneLine(base.source) + ": \(base.pairs) pairs interleaved"
                + (base.plannedLooks > 1 ? String(format: " (look %d of %d, α %.3f)", base.looks, base.plannedLooks, base.alpha) : ""))
        }
        if let s = scenario.sensitivity {
            parts.append(String(format: "wall-time noise ±%.1f%%: could flag ≥ %.1f%%", s.halfWidth * 100,
                                s.smallestDetectable * 100))
        }
        return parts.isEmpty ? nil : parts.joined(separator: "; ")
    }

    /// `compared with base main (1a2b3c4d): pairs interleaved in this run`
    /// when every scenario measured the same base; nil otherwise.
    static func sharedBase(_ report: RunReport) -> String? {
        let sources = Set(report.scenarios.map { s in s.base.flatMap { $0.failure == nil && !$0.isNew ? $0.source : nil } })
        guard sources.count == 1, let source = sources.first ?? nil else { return nil }
        return "compared with base " + Formatting.oneLine(source) + ", measured in pairs in this run"
    }

    /// Probes unavailable alike in every scenario that ran (a machine fact,
    /// such as no PMU): said once for the whole report by the compact shapes.
    static func sharedProbeNotices(_ report: RunReport) -> [String] {
        let ran = report.scenarios.filter { !$0.run.probes.isEmpty }
        guard ran.count > 1, let first = ran.first else { return [] }
        return probeNotices(first).filter { notice in ran.allSatisfy { probeNotices($0).contains(notice) } }
    }

    /// `probe pmu unavailable: …; unavailable: pmu.cycles, …`, one per probe.
    static func probeNotices(_ scenario: ScenarioReport) -> [String] {
        notices(scenario).filter { $0.hasPrefix("probe ") }
    }

    /// `notices` without those said once for the whole report.
    static func notices(_ scenario: ScenarioReport, besides shared: [String]) -> [String] {
        notices(scenario).filter { !shared.contains($0) }
    }

    static func notices(_ scenario: ScenarioReport) -> [String] {
        var unmeasured = unavailableMetrics(scenario.comparison)
        func listing(_ reason: String) -> String {
            guard let i = unmeasured.firstIndex(where: { $0.reason == reason }) else { return "" }
            return "; unavailable: " + unmeasured.remove(at: i).metrics.joined(separator: ", ")
        }
        let probes = scenario.run.probes.compactMap { p in
            p.unavailable.map { "probe \(p.probe.rawValue) unavailable: " + Formatting.oneLine($0) + listing($0) }
        }
        return (comparedWith(scenario).map { [$0] } ?? [])
            + scenario.warnings.map { "warning: " + Formatting.oneLine($0) } + probes
            + unmeasured.map { "unavailable: " + $0.metrics.joined(separator: ", ") + ": " + Formatting.oneLine($0.reason) }
    }

    // MARK: function cells

    /// `hot_function [slowdown]`, with the size when the scenario sweeps sizes.
    static func functionLabel(_ f: FunctionComparison) -> String {
        Formatting.oneLine(f.name) + (f.module.isEmpty ? "" : " [" + Formatting.oneLine(f.module) + "]")
            + (f.size.map { " (size \($0))" } ?? "")
    }

    /// `50.1% → 52.6% (+2.5 pp)`.
    static func shareChange(_ f: FunctionComparison) -> String {
        Formatting.percent(f.baselineShare) + " → " + Formatting.percent(f.currentShare)
            + " (" + Formatting.points(f.deltaPoints) + ")"
    }

    /// `+0.101 s/run (+10.0%)`; `(new)` when the baseline spent no time in it.
    static func timeChange(_ f: FunctionComparison) -> String {
        let parts = timeParts(f)
        return parts.relative.isEmpty ? parts.change : parts.change + " " + parts.relative
    }

    /// `+0.101 s/run` and `(+10.0%)`; `-` and nothing when no time was measured.
    static func timeParts(_ f: FunctionComparison) -> (change: String, relative: String) {
        if f.baselineSeconds == 0 && f.currentSeconds == 0 { return ("-", "") }
        let relative = f.timeRatio.map { Formatting.signedPercent(fraction: $0 - 1) } ?? "new"
        return (Formatting.signedSeconds(f.deltaSeconds) + "/run", "(" + relative + ")")
    }

    /// `p=0.0002 (adj 0.0004)`.
    static func pValues(_ f: FunctionComparison) -> String {
        "p=" + Formatting.pValue(f.pValue) + " (adj " + Formatting.pValue(f.adjustedPValue) + ")"
    }
}
