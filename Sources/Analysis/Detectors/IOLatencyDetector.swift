import Model

/// Tail latency of the disk or of the target's syncs that regressed: the
/// block I/O p99 or the fsync/fdatasync p99 comparisons came out REGRESSED.
public enum IOLatencyDetector {
    static let metrics = [Metric.blockP99.id, Metric.syscallP99("fsync").id, Metric.syscallP99("fdatasync").id]

    public static func detect(_ now: SizeResult, metrics comparisons: [MetricComparison]) -> [Finding] {
        var findings: [Finding] = []
        for id in metrics {
            guard let m = comparisons.first(where: { $0.metric == id && $0.size == now.size }), m.verdict == .regressed,
                  let c = m.comparison, let current = m.currentMedian else { continue }
            let site = WaitingDetector.topSite(.io, in: now.offCPUProfile)
            let name = id == Metric.blockP99.id ? "block I/O" : String(id.split(separator: ".")[2])
            findings.append(Finding(
                kind: .ioLatency, severity: .error, function: site?.site ?? name, callPath: site?.path ?? [],
                size: now.size,
                summary: "\(name) p99 \(seconds(current)), was \(seconds(m.baselineMedian ?? 0)) "
                    + String(format: "(×%.2f, 95%% CI %.2f–%.2f)", c.ratio, c.ciLower, c.ciUpper)
                    + (site.map { "; the target waits in \($0.site)" } ?? ""),
                evidence: [.init("\(id)", current, "s"), .init("baseline_\(id)", m.baselineMedian ?? 0, "s"),
                           .init("ratio", c.ratio, ""), .init("p_value", c.pValue, "")],
                hint: "fewer, larger synchronous writes; check the device's queue depth and other I/O on it"))
        }
        return findings
    }
}
