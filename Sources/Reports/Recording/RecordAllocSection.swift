import Foundation
import Model

/// The allocation part of the `record` summary: how it was traced, totals per
/// allocator function, the leak candidates with bytes per call, the runtime's
/// one-time allocations apart, the heaviest stacks and the size histogram.
extension RecordSummary {
    func allocationSection(_ a: AllocationReport) -> String {
        let estimate = a.mode == .sampled ? "≈" : ""
        var out = "\nalloc: "
        switch a.mode {
        case .exact:
            out += "every call traced (uprobes on \(a.traced.joined(separator: ", ")))\n"
        case .sampled:
            out += "one sample per \(Formatting.bytes(Double(a.sampleEveryBytes ?? 0))) on average (preloaded "
                + "shim); counts and bytes are scaled estimates (≈)\n"
        }
        for note in a.notes { out += "  note: \(note)\n" }
        out += "  \(estimate)\(Formatting.count(a.totalCount.rounded())) allocations, "
            + "\(estimate)\(Formatting.bytes(a.totalBytes)); peak outstanding \(estimate)"
            + "\(Formatting.bytes(a.peakOutstandingBytes))\n"
        out += "    \(pad("calls", 12)) \(pad("bytes", 11)) \(pad("frees", 12)) \(pad("failed", 7))  function\n"
        for f in a.functions.sorted(by: { $0.bytes > $1.bytes }) {
            out += "    \(pad(Formatting.count(f.count.rounded()), 12)) \(pad(Formatting.bytes(f.bytes), 11)) "
                + "\(pad(Formatting.count(f.frees.rounded()), 12)) \(pad(String(f.failed), 7))  \(f.name)\n"
        }
        out += "\n  leaks: \(estimate)\(Formatting.bytes(a.leakedBytes)) in \(Formatting.count(a.leakedCount.rounded())) "
            + "block(s) still allocated by the program's code when its process ended\n"
        out += leakTable(a.leaks)
        out += "\n  runtime one-time allocations (stdio buffers, TLS, loader; not leaks): "
            + "\(Formatting.bytes(a.runtimeBytes)) in \(Formatting.count(a.runtime.reduce(0) { $0 + $1.count }.rounded())) block(s)\n"
        out += leakTable(Array(a.runtime.prefix(5)))
        out += stackTable("top allocating stacks by bytes", a.topByBytes)
        out += stackTable("top allocating stacks by count", a.topByCount)
        out += "\n  allocation sizes (all functions)\n" + SizeHistogramText.render(a.sizeHistogram)
        return out
    }

    private func leakTable(_ groups: [LeakGroup]) -> String {
        guard !groups.isEmpty else { return "" }
        var out = "    \(pad("bytes", 11)) \(pad("blocks", 9)) \(pad("per call", 11))  path (allocating function first)\n"
        for g in groups.prefix(top) {
            out += "    \(pad(Formatting.bytes(g.bytes), 11)) \(pad(Formatting.count(g.count.rounded()), 9)) "
                + "\(pad(Formatting.bytes(g.bytesPerCall), 11))  \(g.path) [\(g.function)]\n"
        }
        if groups.count > top { out += "    … \(groups.count - top) more in profile.json\n" }
        return out
    }

    private func stackTable(_ title: String, _ stacks: [AllocationStack]) -> String {
        guard !stacks.isEmpty else { return "" }
        var out = "\n  \(title)\n    \(pad("bytes", 11)) \(pad("calls", 10))  stack (leaf first)\n"
        for s in stacks.prefix(5) {
            let path = s.frames.reversed().prefix(6).map(\.name).joined(separator: " ← ")
            out += "    \(pad(Formatting.bytes(s.bytes), 11)) \(pad(Formatting.count(s.count.rounded()), 10))  \(path)\n"
        }
        return out
    }
}

/// bpftrace's `hist()` layout for sizes: `[64, 128)   123 |@@@@   |`.
enum SizeHistogramText {
    static func render(_ h: SizeHistogram, width: Int = 40) -> String {
        let rows = h.rows
        guard let peak = rows.map(\.count).max(), peak > 0 else { return "    (no allocations)\n" }
        return rows.map { row in
            let range = row.low == 0 ? "[0]" : row.high == row.low + 1 ? "[\(label(row.low))]"
                : "[\(label(row.low)), \(label(row.high)))"
            let bar = String(repeating: "@", count: Int((row.count / peak * Double(width)).rounded()))
            return "    \(range.padding(toLength: 14, withPad: " ", startingAt: 0)) "
                + "\(pad(Formatting.count(row.count.rounded()), 10)) |\(bar.padding(toLength: width, withPad: " ", startingAt: 0))|\n"
        }.joined()
    }

    /// 4096 → `4K`, as bpftrace prints bucket bounds.
    static func label(_ v: UInt64) -> String {
        for (shift, unit) in [(60, "E"), (50, "P"), (40, "T"), (30, "G"), (20, "M"), (10, "K")]
        where v >= UInt64(1) << shift && v % (UInt64(1) << shift) == 0 {
            return "\(v >> shift)\(unit)"
        }
        return String(v)
    }
}

extension Formatting {
    /// Bytes in binary units: `512 B`, `4 KiB`, `3.0 MiB`, `1.50 GiB`.
    static func bytes(_ b: Double) -> String {
        b.isFinite ? ByteCount.format(b) : nonFinite(b)
    }
}
