import CFlamegateBPF
import Model

extension LatencyHistogram {
    /// From the BPF-side `struct fg_hist`.
    init(_ h: fg_hist) {
        let slots = withUnsafeBytes(of: h.slots) { Array($0.bindMemory(to: UInt64.self)) }
        self.init(slots: slots, count: h.count, sumNanoseconds: h.sum)
    }
}

/// Reads `struct fg_hist` values from BPF maps.
enum HistogramMap {
    static func array(_ fd: Int32, index: UInt32) -> fg_hist? {
        var key = index
        var h = fg_hist()
        return fg_map_lookup(fd, &key, &h) == 0 ? h : nil
    }
}
