/// What the alloc probe found in one recording: totals per
/// allocator function, a log2 size histogram, the heaviest allocating stacks,
/// and what was still allocated when its process ended — the program's leak
/// candidates, with the C/C++ runtime's one-time allocations kept apart.
///
/// In sampled mode every count and byte total is an unbiased estimate (each
/// sampled allocation weighs 1/p, p its sampling probability), so values need
/// not be whole numbers; in exact mode they are exact.
public struct AllocationReport: Codable, Sendable, Equatable {
    public enum Mode: String, Codable, Sendable {
        /// Every call traced (uprobes and uretprobes on the allocator).
        case exact
        /// Byte-interval sampling by the preloaded shim; values are scaled estimates.
        case sampled
    }

    public var mode: Mode
    /// The symbol set traced (`alloc.library`).
    public var library: String
    /// Sampled mode: the mean number of bytes between samples.
    public var sampleEveryBytes: UInt64?
    /// The files whose functions the probe sat on (the allocator library, or the sampling shim).
    public var traced: [String]
    public var functions: [AllocatorFunctionTotals]
    /// Top stacks by bytes and by number of allocations (full stacks, allocator frame last).
    public var topByBytes: [AllocationStack]
    public var topByCount: [AllocationStack]
    /// Outstanding at the end of their process and allocated by the program: leak candidates, by bytes.
    public var leaks: [LeakGroup]
    /// Outstanding at the end and allocated by the runtime for itself (stdio buffers, TLS, thread
    /// stacks, locale data): allocated once, never freed by design, not leaks.
    public var runtime: [LeakGroup]
    /// What the program's own paths held at their height, freed by exit or not
    /// (`AllocationGrouping.retained`): `bytes` is the peak. nil in recordings
    /// made before it was kept.
    public var retained: [LeakGroup]?
    /// Largest number of bytes outstanding at once in the tree, allocations before tracing excluded.
    public var peakOutstandingBytes: Double
    /// Informational counts (`untraced_frees`: frees of blocks allocated before tracing, …).
    public var counters: [String: Double]
    /// What to know reading it (a sampled request traced exactly instead, and why).
    public var notes: [String]

    public init(mode: Mode, library: String, sampleEveryBytes: UInt64? = nil, traced: [String],
                functions: [AllocatorFunctionTotals], topByBytes: [AllocationStack] = [],
                topByCount: [AllocationStack] = [], leaks: [LeakGroup] = [], runtime: [LeakGroup] = [],
                retained: [LeakGroup]? = nil, peakOutstandingBytes: Double = 0, counters: [String: Double] = [:], notes: [String] = []) {
        self.mode = mode
        self.library = library
        self.sampleEveryBytes = sampleEveryBytes
        self.traced = traced
        self.functions = functions
        self.topByBytes = topByBytes
        self.topByCount = topByCount
        self.leaks = leaks
        self.runtime = runtime
        self.retained = retained
        self.peakOutstandingBytes = peakOutstandingBytes
        self.counters = counters
        self.notes = notes
    }

    public var leakedBytes: Double { leaks.reduce(0) { $0 + $1.bytes } }
    public var leakedCount: Double { leaks.reduce(0) { $0 + $1.count } }
    public var runtimeBytes: Double { runtime.reduce(0) { $0 + $1.bytes } }
    public var totalCount: Double { functions.reduce(0) { $0 + $1.count } }
    public var totalBytes: Double { functions.reduce(0) { $0 + $1.bytes } }

    /// All functions' sizes together.
    public var sizeHistogram: SizeHistogram {
        functions.reduce(SizeHistogram()) { $0.adding($1.sizes) }
    }

    /// The comparable metrics of the run (see `Metric.leakedBytes` and its neighbours).
    public var metrics: [String: Double] {
        [Metric.leakedBytes.id: leakedBytes, Metric.allocationCount.id: totalCount,
         Metric.allocatedBytes.id: totalBytes, Metric.peakOutstandingBytes.id: peakOutstandingBytes]
    }
}

/// One allocator entry point's totals (`malloc`, `operator new(unsigned long)`, `mmap`).
public struct AllocatorFunctionTotals: Codable, Sendable, Equatable {
    public var name: String
    public var count: Double
    public var bytes: Double
    /// Frees (or unmaps) of blocks it allocated while traced.
    public var frees: Double
    /// Calls that returned no memory.
    public var failed: UInt64
    public var sizes: SizeHistogram

    public init(name: String, count: Double, bytes: Double, frees: Double, failed: UInt64, sizes: SizeHistogram) {
        self.name = name
        self.count = count
        self.bytes = bytes
        self.frees = frees
        self.failed = failed
        self.sizes = sizes
    }
}

/// Allocation counts by requested size in powers of two, as bpftrace's
/// `hist()`: slot 0 holds size 0, slot k ≥ 1 holds [2^(k−1), 2^k).
public struct SizeHistogram: Codable, Sendable, Equatable {
    public static let slotCount = 65
    /// Counts by slot, trailing empty slots dropped.
    public var slots: [Double]

    public init(slots: [Double] = []) {
        var s = Array(slots.prefix(Self.slotCount))
        while let last = s.last, last == 0 { s.removeLast() }
        self.slots = s
    }

    /// The slot of a size.
    public static func slot(of size: UInt64) -> Int { size == 0 ? 0 : 64 - size.leadingZeroBitCount }

    /// [low, high) of a slot.
    public static func bounds(slot: Int) -> (low: UInt64, high: UInt64) {
        if slot == 0 { return (0, 1) }
        let low = UInt64(1) << (slot - 1)
        return (low, slot == 64 ? UInt64.max : low << 1)
    }

    public var count: Double { slots.reduce(0, +) }

    public func adding(_ other: SizeHistogram) -> SizeHistogram {
        let n = max(slots.count, other.slots.count)
        return SizeHistogram(slots: (0..<n).map { (slots[safe: $0] ?? 0) + (other.slots[safe: $0] ?? 0) })
    }

    /// Non-empty rows from the first to the last non-empty slot.
    public var rows: [(low: UInt64, high: UInt64, count: Double)] {
        guard let first = slots.firstIndex(where: { $0 > 0 }) else { return [] }
        return slots.indices[first...].map { (Self.bounds(slot: $0).low, Self.bounds(slot: $0).high, slots[$0]) }
    }
}

/// A stack and what it allocated.
public struct AllocationStack: Codable, Sendable, Equatable {
    /// Root first; the allocator's entry point (`malloc`) last.
    public var frames: [Frame]
    public var function: String
    public var count: Double
    public var bytes: Double

    public init(frames: [Frame], function: String, count: Double, bytes: Double) {
        self.frames = frames
        self.function = function
        self.count = count
        self.bytes = bytes
    }
}

/// Allocations still outstanding when their process ended, grouped by the call
/// path that made them.
public struct LeakGroup: Codable, Sendable, Equatable {
    /// The call path root first, ending at the function that called the
    /// allocator (the allocator's own frames removed).
    public var site: [Frame]
    /// The allocator entry point called (`malloc`, `mmap`, …).
    public var function: String
    public var bytes: Double
    /// Outstanding blocks.
    public var count: Double
    /// Allocations this path made in all, freed or not: bytes / calls is what
    /// each call leaks on average.
    public var calls: Double
    public var pids: [Int32]
    /// When the oldest and the newest of the blocks were allocated, in seconds
    /// since the target started: leaks spread over the run grow with the work.
    public var firstSeconds: Double
    public var lastSeconds: Double

    public init(site: [Frame], function: String, bytes: Double, count: Double, calls: Double, pids: [Int32],
                firstSeconds: Double, lastSeconds: Double) {
        self.site = site
        self.function = function
        self.bytes = bytes
        self.count = count
        self.calls = calls
        self.pids = pids
        self.firstSeconds = firstSeconds
        self.lastSeconds = lastSeconds
    }

    /// Bytes left outstanding per call of the allocating path.
    public var bytesPerCall: Double { bytes / max(calls, count, 1) }

    /// `alloc_buffer ← process_image ← main`: the allocating function first.
    public var path: String {
        site.isEmpty ? "[no stack]" : site.reversed().map(\.name).joined(separator: " ← ")
    }
}

private extension Array {
    subscript(safe index: Int) -> Element? { indices.contains(index) ? self[index] : nil }
}
