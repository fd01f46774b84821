import Model

/// Memory a path holds while the program runs, freed at exit or not: the
/// leak of a long-running service or a garbage-collected runtime (BCC's
/// `memleak` shows it as outstanding allocations that age). An allocation
/// path whose height — the most its allocations held at once — exceeds the
/// base's in every run, every current run above every base run by more than
/// `thresholds.retained_bytes`, is growth. The finding names the allocating
/// function, what it held and what each allocation adds.
public enum GrowthDetector {
    public static func detect(_ now: SizeResult, before: SizeResult?, allowance: Double) -> [Finding] {
        guard let before else { return [] }
        let current = now.runs.compactMap(\.retained), base = before.runs.compactMap(\.retained)
        guard !current.isEmpty, current.count == now.runs.count, !base.isEmpty, base.count == before.runs.count else {
            return []
        }
        struct Grown { var path: String, low: Double, median: Double, baseHigh: Double, baseMedian: Double, calls: Double }
        var grown: [Grown] = []
        for path in Set(current.flatMap(\.keys)).sorted() {
            let heights = current.map { $0[path]?.peakBytes ?? 0 }, before = base.map { $0[path]?.peakBytes ?? 0 }
            guard let low = heights.min(), let baseHigh = before.max(), low - baseHigh > allowance else { continue }
            grown.append(Grown(path: path, low: low, median: Descriptive.median(heights) ?? low, baseHigh: baseHigh,
                               baseMedian: Descriptive.median(before) ?? baseHigh,
                               calls: Descriptive.median(current.map { $0[path]?.calls ?? 0 }) ?? 0))
        }
        guard let top = grown.max(by: { $0.median - $0.baseMedian < $1.median - $1.baseMedian }) else { return [] }
        // "cache_put ← handle ← main": allocating function first
        let path = top.path.components(separatedBy: " ← ")
        let (function, callers) = AllocationCulprit.of(path)
        let perCall = top.calls > 0 ? top.median / top.calls : 0
        return [Finding(
            kind: .growth, severity: .error, function: function, callPath: path.reversed(), size: now.size,
            summary: "\(function) holds up to \(ByteCount.format(top.median))/run while the program runs, was "
                + "\(ByteCount.format(top.baseMedian)) (\(ByteCount.format(perCall)) per allocation, "
                + String(format: "%.0f", top.calls) + " allocations/run)"
                + (callers.isEmpty ? "" : " (called from \(callers))")
                + (grown.count > 1 ? "; \(grown.count - 1) more path(s) grew too" : ""),
            evidence: [.init("retained_bytes_per_run", top.median, "B"), .init("baseline_retained_bytes_per_run", top.baseMedian, "B"),
                       .init("bytes_per_allocation", perCall, "B"), .init("allowance", allowance, "B")],
            hint: "bound what \(function)'s callers keep (an LRU or size limit on the cache, release entries when done), "
                + "or raise thresholds.retained_bytes if the growth is intended")]
    }
}
