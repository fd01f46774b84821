import Model

/// The verdict for a counted metric gated with an absolute allowance: leaked
/// bytes.
///
/// Why not the two-gate ratio rule of ``ScalarComparison``: a ratio of zero
/// leaked bytes is undefined, and an exact count needs no test to see through
/// noise — a deterministic program leaks the same bytes in every run. The rule
/// compares the ranges of the runs:
/// - REGRESSED when every current run exceeds every baseline run by more than
///   the allowance τ: min(current) > max(baseline) + τ. For a deterministic
///   leak that is one run; for values that vary (sampled estimates) complete
///   separation is itself a strong test — under no change, all n current runs
///   rank above all m baseline runs with probability 1/C(n+m, n) (1/184756
///   for 10 and 10, the exact one-sided Mann–Whitney p of U = 0).
/// - IMPROVED symmetrically: max(current) + τ < min(baseline).
/// - INCONCLUSIVE when the medians differ by more than τ but the ranges
///   overlap (some runs leak more, not all: timing-dependent, or too noisy).
/// - PASS otherwise.
public enum ExactComparison {
    public static func verdict(baseline: [Double], current: [Double], allowance: Double) -> Verdict? {
        guard let bMin = baseline.min(), let bMax = baseline.max(), let cMin = current.min(), let cMax = current.max(),
              let bMedian = Descriptive.median(baseline), let cMedian = Descriptive.median(current) else { return nil }
        if cMin > bMax + allowance { return .regressed }
        if cMax + allowance < bMin { return .improved }
        if abs(cMedian - bMedian) > allowance { return .inconclusive }
        return .pass
    }

    /// Fills a leaked-bytes comparison: the verdict, and a note with the ranges
    /// and the call paths whose leaks grew the most (`RunMeasurement.leaks`).
    static func apply(to result: inout MetricComparison, _ before: SizeResult, _ now: SizeResult, allowance: Double) {
        let a = before.values(result.metric), b = now.values(result.metric)
        guard let verdict = verdict(baseline: a, current: b, allowance: allowance) else {
            result.verdict = .inconclusive
            result.note = "not evaluated: \(a.isEmpty ? "the baseline" : "this run") has no \(result.metric) "
                + "(recorded without the alloc probe?)"
            return
        }
        result.verdict = verdict
        var note = "exact: baseline \(range(a)), current \(range(b)), allowance \(ByteCount.format(allowance))"
        let grown = growth(before, now).prefix(3)
        if verdict != .pass, verdict != .improved, !grown.isEmpty {
            note += "; leaking: " + grown.map { "\($0.path) +\(ByteCount.format($0.bytes))" }.joined(separator: "; ")
        }
        result.note = note
    }

    private static func range(_ values: [Double]) -> String {
        let low = values.min() ?? 0, high = values.max() ?? 0
        return low == high ? ByteCount.format(low) : "\(ByteCount.format(low))–\(ByteCount.format(high))"
    }

    /// Call paths by how much their median leak per run grew, largest first.
    static func growth(_ before: SizeResult, _ now: SizeResult) -> [(path: String, bytes: Double)] {
        func medians(_ size: SizeResult) -> [String: Double] {
            let runs = size.runs.compactMap(\.leaks)
            let paths = Set(runs.flatMap(\.keys))
            return Dictionary(uniqueKeysWithValues: paths.map { p in (p, Descriptive.median(runs.map { $0[p] ?? 0 }) ?? 0) })
        }
        let old = medians(before)
        return medians(now).map { (path: $0.key, bytes: $0.value - (old[$0.key] ?? 0)) }
            .filter { $0.bytes > 0 }
            .sorted { ($0.bytes, $1.path) > ($1.bytes, $0.path) }
    }
}
