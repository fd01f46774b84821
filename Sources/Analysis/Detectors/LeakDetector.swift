import Model

/// A new leak: the leaked-bytes comparison came out REGRESSED. The
/// finding names the allocating function and its call path — the one whose
/// leak per run grew the most (`RunMeasurement.leaks`, see `ExactComparison`).
public enum LeakDetector {
    public static func detect(_ now: SizeResult, before: SizeResult?, metrics comparisons: [MetricComparison])
        -> [Finding] {
        guard let m = comparisons.first(where: { $0.metric == Metric.leakedBytes.id && $0.size == now.size }),
              m.verdict == .regressed, let current = m.currentMedian else { return [] }
        let baseline = m.baselineMedian ?? 0
        let grown = before.map { ExactComparison.growth($0, now) } ?? []
        // "alloc_buffer ← process_image ← main": allocating function first
        let path = grown.first.map { $0.path.components(separatedBy: " ← ") } ?? []
        let (function, callers) = AllocationCulprit.of(path)
        return [Finding(
            kind: .leak, severity: .error, function: function, callPath: path.reversed(), size: now.size,
            summary: "\(function) leaks \(ByteCount.format(current))/run, was \(ByteCount.format(baseline))"
                + (callers.isEmpty ? "" : " (called from \(callers))")
                + (grown.count > 1 ? "; \(grown.count - 1) more path(s) leak more too" : ""),
            evidence: [.init("leaked_bytes_per_run", current, "B"), .init("baseline_leaked_bytes_per_run", baseline, "B")]
                + grown.prefix(3).map { .init("growth: \($0.path)", $0.bytes, "B") },
            hint: "free what \(function) returns on every path of its callers, or keep it referenced on purpose")]
    }
}
