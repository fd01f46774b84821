/// A log-linear histogram of nanosecond latencies, as the BPF side keeps them
/// (bpf/hist.h): slots 0…3 hold 0…3 ns; a value v in [2^m, 2^(m+1)), m ≥ 2,
/// sits in slot 4(m−1) + ((v >> (m−2)) & 3) — four sub-buckets per power of
/// two, so a percentile is known within 25%.
public struct LatencyHistogram: Codable, Sendable, Equatable {
    public static let slotCount = 256

    /// Non-empty slots: (slot, count), ascending.
    public var buckets: [Bucket]
    public var count: UInt64
    /// Sum of the recorded values (exact mean).
    public var sumNanoseconds: UInt64

    public struct Bucket: Codable, Sendable, Equatable {
        public var slot: Int
        public var count: UInt64
        public init(slot: Int, count: UInt64) {
            self.slot = slot
            self.count = count
        }
    }

    public init(slots: [UInt64], count: UInt64, sumNanoseconds: UInt64) {
        buckets = slots.enumerated().filter { $0.element > 0 }.map { Bucket(slot: $0.offset, count: $0.element) }
        self.count = count
        self.sumNanoseconds = sumNanoseconds
    }

    public init(buckets: [Bucket] = [], count: UInt64 = 0, sumNanoseconds: UInt64 = 0) {
        self.buckets = buckets
        self.count = count
        self.sumNanoseconds = sumNanoseconds
    }

    /// [lower, upper) of a slot in nanoseconds.
    public static func bounds(slot: Int) -> (lower: Double, upper: Double) {
        if slot < 4 { return (Double(slot), Double(slot + 1)) }
        let m = slot / 4 + 1, sub = slot % 4
        let quarter = Double(UInt64(1) << (m - 2))
        let lower = Double(UInt64(1) << m) + Double(sub) * quarter
        return (lower, lower + quarter)
    }

    /// The slot a value falls in (the BPF side's fg_hist_slot).
    public static func slot(of value: UInt64) -> Int {
        if value < 4 { return Int(value) }
        let m = 63 - value.leadingZeroBitCount
        return min(4 * (m - 1) + Int((value >> (m - 2)) & 3), slotCount - 1)
    }

    public var mean: Double? { count > 0 ? Double(sumNanoseconds) / Double(count) : nil }

    /// The p-quantile (0…1), linearly interpolated inside its bucket.
    public func quantile(_ p: Double) -> Double? {
        let total = buckets.reduce(UInt64(0)) { $0 + $1.count }
        guard total > 0 else { return nil }
        let rank = p * Double(total)
        var seen = 0.0
        for b in buckets {
            let c = Double(b.count)
            if seen + c >= rank {
                let (lo, hi) = Self.bounds(slot: b.slot)
                let within = c > 0 ? max(0, min(1, (rank - seen) / c)) : 0
                return lo + (hi - lo) * within
            }
            seen += c
        }
        return Self.bounds(slot: buckets.last!.slot).upper
    }

    /// Adds another histogram's counts.
    public mutating func merge(_ other: LatencyHistogram) {
        var counts: [Int: UInt64] = [:]
        for b in buckets + other.buckets { counts[b.slot, default: 0] += b.count }
        buckets = counts.keys.sorted().map { Bucket(slot: $0, count: counts[$0]!) }
        count += other.count
        sumNanoseconds += other.sumNanoseconds
    }

    /// Counts per power of two of `unit` nanoseconds (BCC's log2 view):
    /// (lower, upper] pairs as BCC prints them, with their counts.
    public func log2Rows(unitNanoseconds: Double) -> [(low: UInt64, high: UInt64, count: UInt64)] {
        // row p holds [2^(p-1), 2^p - 1] units; row 1 also takes everything below 1 ("0 -> 1")
        var rows: [Int: UInt64] = [:]
        for b in buckets {
            let value = Self.bounds(slot: b.slot).lower / unitNanoseconds
            let power = value < 2 ? 1 : Int(value.bitPatternLog2 + 1)
            rows[power, default: 0] += b.count
        }
        guard let top = rows.keys.max() else { return [] }
        return (1...top).map { p in
            let low: UInt64 = p == 1 ? 0 : UInt64(1) << (p - 1)
            return (low, (UInt64(1) << p) - 1, rows[p] ?? 0)
        }
    }
}

private extension Double {
    /// floor(log2(self)) for self ≥ 1.
    var bitPatternLog2: Int { Int(exponent) }
}

/// A histogram with what it measures: `io` block latency of one device and
/// operation, a syscall's latency, `sched` run-queue latency.
public struct NamedHistogram: Codable, Sendable, Equatable {
    public var probe: String
    /// Stable id (`block.vda.write`, `syscall.fsync`, `runqueue`).
    public var name: String
    public var histogram: LatencyHistogram
    /// Block I/O: bytes completed; requests and bytes issued by the tracked tree.
    public var bytes: UInt64?
    public var attributedCount: UInt64?
    public var attributedBytes: UInt64?

    public init(probe: String, name: String, histogram: LatencyHistogram, bytes: UInt64? = nil,
                attributedCount: UInt64? = nil, attributedBytes: UInt64? = nil) {
        self.probe = probe
        self.name = name
        self.histogram = histogram
        self.bytes = bytes
        self.attributedCount = attributedCount
        self.attributedBytes = attributedBytes
    }
}
