import Analysis
import Model

/// Findings and complexity exponents as text lines, shared by every renderer.
extension Evidence {
    /// Per finding: `ERROR busy_polling (size 8000): …`, the call path and the fix.
    static func findingLines(_ scenario: ScenarioReport) -> [String] {
        var lines: [String] = []
        for f in scenario.findings {
            lines.append("\(f.severity == .error ? "ERROR" : "warning") \(f.kind.rawValue)"
                + (f.size.map { " (size \($0))" } ?? "") + ": " + Formatting.oneLine(f.summary))
            if !f.callPath.isEmpty {
                lines.append("  path: " + f.callPath.map(Formatting.oneLine).joined(separator: " → "))
            }
            lines.append("  fix: " + Formatting.oneLine(f.hint))
        }
        return lines
    }

    /// `complexity: whole run O(n^1.02) [0.98–1.05]; parse_request O(n^1.01) …`.
    static func complexityLines(_ scenario: ScenarioReport, top: Int = 5) -> [String] {
        // a sweep that was not fitted is said once, among the notices
        guard let c = scenario.complexity, c.whole != nil || !c.functions.isEmpty else { return [] }
        func text(_ f: ComplexityFit) -> String {
            String(format: "O(n^%.2f) [%.2f–%.2f]", f.exponent, f.lower, f.upper)
                + (f.baselineExponent.map { String(format: ", was %.2f", $0) } ?? "")
        }
        var lines = ["complexity exponents (cost ∝ size^k, 95% CI):"]
        if let whole = c.whole { lines.append("  whole run (CPU time): " + text(whole)) }
        for f in c.functions.sorted(by: { $0.exponent > $1.exponent }).prefix(top) {
            lines.append("  " + Formatting.oneLine(f.function ?? "?") + ": " + text(f))
        }
        return lines
    }

    /// The first error finding's summary, which says more than the verdicts.
    static func leadingFinding(_ scenario: ScenarioReport) -> String? {
        scenario.findings.first { $0.severity == .error }.map { "\($0.kind.rawValue): " + Formatting.oneLine($0.summary) }
    }
}
