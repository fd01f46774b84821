import Foundation
import Model

/// The parts of the `record` summary about waiting: off-CPU time by function,
/// per-thread "total = CPU + off-CPU", and latency histograms in BCC's style.
extension RecordSummary {
    func offCPUSection(_ profile: Profile) -> String {
        let total = Double(profile.total) / 1e9
        var out = "\noff-CPU: \(Formatting.seconds(total)) blocked in \(profile.samples.count) stacks\n"
        guard profile.total > 0 else { return out }
        var byState: [String: UInt64] = [:]
        for s in profile.samples { byState[profile.offCPUState(of: s) ?? "other", default: 0] += s.value }
        out += "  by state: " + byState.sorted { $0.value > $1.value }
            .map { "\($0.key) \(Formatting.seconds(Double($0.value) / 1e9))" }.joined(separator: ", ") + "\n"
        let markers = Set(profile.frames.filter { $0.kind == .marker }.map(\.name))
        let costs = profile.functionCosts().filter { !markers.contains($0.name) }
        out += "\n  top functions by off-CPU time (inclusive)\n"
        out += "    \(pad("time", 10)) \(pad("share", 7))  function\n"
        for c in costs.prefix(top) {
            out += "    \(pad(Formatting.seconds(Double(c.inclusiveValue) / 1e9), 10)) "
                + "\(pad(pct(c.inclusiveValue, profile.total), 7))  \(c.name) [\(c.module)]\n"
        }
        return out
    }

    func threadSection(_ times: [ThreadTime]) -> String {
        guard !times.isEmpty else { return "" }
        var out = "\nthreads: total = CPU + off-CPU\n"
        out += "    \(pad("tid", 7)) \(pad("wall", 10)) \(pad("cpu", 10)) \(pad("off-cpu", 10)) \(pad("accounted", 9))  thread\n"
        for t in times.prefix(20) {
            let off = t.offCPUSeconds.values.reduce(0, +)
            let accounted = t.wallSeconds.map { $0 > 0 ? String(format: "%.1f%%", t.accountedSeconds * 100 / $0) : "-" } ?? "-"
            out += "    \(pad(String(t.tid), 7)) \(pad(t.wallSeconds.map(Formatting.seconds) ?? "-", 10)) "
                + "\(pad(Formatting.seconds(t.cpuSeconds), 10)) \(pad(Formatting.seconds(off), 10)) "
                + "\(pad(accounted, 9))  \(t.name)\n"
        }
        if times.count > 20 { out += "    … \(times.count - 20) more threads in profile.json\n" }
        return out
    }

    /// Block I/O and run-queue histograms, and the syscalls that took the most time.
    func histogramSection(_ histograms: [NamedHistogram]) -> String {
        let block = histograms.filter { $0.name.hasPrefix("block.") }
        let runq = histograms.filter { $0.name == "runqueue" }
        let syscalls = histograms.filter { $0.name.hasPrefix("syscall.") }
            .sorted { $0.histogram.sumNanoseconds > $1.histogram.sumNanoseconds }.prefix(4)
        var out = ""
        for h in runq + block + syscalls where h.histogram.count > 0 {
            out += "\n\(h.probe) \(h.name): \(h.histogram.count) events"
            if let p50 = h.histogram.quantile(0.5), let p99 = h.histogram.quantile(0.99) {
                out += ", p50 \(Formatting.seconds(p50 / 1e9)), p99 \(Formatting.seconds(p99 / 1e9))"
            }
            if let bytes = h.bytes { out += ", \(bytes) bytes" }
            if let n = h.attributedCount { out += ", \(n) issued by the target" }
            out += "\n" + BCCHistogram.render(h.histogram)
        }
        return out
    }
}

/// BCC's `usecs : count distribution` table with bars.
enum BCCHistogram {
    static func render(_ h: LatencyHistogram, width: Int = 40) -> String {
        let rows = h.log2Rows(unitNanoseconds: 1000)
        guard let peak = rows.map(\.count).max(), peak > 0 else { return "" }
        let first = rows.firstIndex { $0.count > 0 } ?? 0
        var out = "     \(pad("usecs", 19)) : count     distribution\n"
        for row in rows[first...] {
            let bar = String(repeating: "@", count: Int((Double(row.count) / Double(peak) * Double(width)).rounded()))
            let range = "\(pad(String(row.low), 10)) -> \(row.high)"
            out += "     \(range.padding(toLength: max(range.count, 23), withPad: " ", startingAt: 0))"
                + " : \(String(row.count).padding(toLength: 8, withPad: " ", startingAt: 0))"
                + " |\(bar.padding(toLength: width, withPad: " ", startingAt: 0))|\n"
        }
        return out
    }
}
