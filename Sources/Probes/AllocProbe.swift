import CFlamegateBPF
import Model

/// Allocations of the tracked tree, after BCC's memleak: every
/// live allocation by address with its size, stack and time, and weighted
/// totals by stack, allocator function and log2 size. Exact mode puts uprobes
/// on the allocator itself; sampled mode on the preloaded sampling shim's
/// markers (see `AllocPlan`).
public final class AllocProbe: Probe {
    public let name = ProbeName.alloc
    public static let maxFunctions = Int(FG_ALLOC_MAX_FUNCS)
    public static let mmapFunction = Int(FG_ALLOC_FUNC_MMAP)
    public static let shimFunctions = Int(FG_SHIM_FUNCS.rawValue)
    /// How the shim learns its sampling interval.
    public static let sampleEveryVariable = "FLAMEGATE_ALLOC_SAMPLE_EVERY"
    /// Fixed-point scale of the BPF side's weights.
    static let weightOne = Double(UInt64(1) << FG_WEIGHT_SHIFT)

    public let plan: AllocPlan
    private let maxOutstanding: UInt32
    private var handle: OpaquePointer?
    /// What the kernel side kept, filled by `collect`.
    public private(set) var raw: RawAllocations?

    /// Exact mode: keep the uprobes attached from one run to the next.
    public let keepsUprobes: Bool
    private var uprobesAttached = false

    public init(plan: AllocPlan, maxOutstanding: UInt32 = 0, keepsUprobes: Bool = false) {
        self.plan = plan
        self.maxOutstanding = maxOutstanding
        self.keepsUprobes = keepsUprobes
    }

    deinit { fg_alloc__destroy(handle) }

    /// Loads the object; sampled mode's uprobes on the shim stay attached for
    /// the session (only processes that preload the shim map it), exact
    /// mode's are attached per run (see `begin`).
    public func attach(tracker: Tracker) throws {
        var exact: [AllocPlan.Function] = []
        if case let .exact(functions) = plan.mode { exact = functions }
        guard exact.count < Self.mmapFunction else {
            throw ProbeError.unavailable("alloc: \(exact.count) allocator functions to trace, at most "
                + "\(Self.mmapFunction - 1) fit")
        }
        var config = fg_alloc_config(max_outstanding: maxOutstanding, trace_mmap: exact.isEmpty ? 0 : 1)
        var out: OpaquePointer?
        try ProbeError.check(fg_alloc__open(&config, tracker.handle, &out),
                             "loading the alloc probe (alloc.bpf.c)")
        handle = out
        if case let .sampled(preload, _) = plan.mode {
            try ProbeError.check(fg_alloc__attach_preload(out, preload),
                                 "attaching the alloc probe's uprobes to the sampling shim \(preload)")
        }
    }

    /// Exact mode: the uprobes sit in the allocator's library, so every
    /// process that calls it traps while they are attached — flamegate's own
    /// symbolization too. Detaching them costs about 90 ms each, one after the
    /// other in the kernel (1.7 s for libc's 20), attaching little. A scenario's
    /// repetitions keep them (`keepsUprobes`: about 65 ms per repetition of a
    /// release build instead of 1.7 s); a single recording detaches them as
    /// soon as the target ended, before symbolizing (a debug build's
    /// symbolization of /bin/true took 3.5 s longer under them).
    public func begin(tracker: Tracker) throws {
        guard case let .exact(functions) = plan.mode, let handle, !uprobesAttached else { return }
        do {
            for (index, f) in functions.enumerated() {
                let cookie = UInt32(index) | Self.layout(f.call) << 8
                try ProbeError.check(fg_alloc__attach_function(handle, f.path, f.offset, cookie),
                                     "attaching the alloc probe's uprobes to \(f.name) in \(f.path)")
            }
        } catch {
            // not half of them: the next run attaches them all again
            fg_alloc__detach_uprobes(handle)
            throw error
        }
        uprobesAttached = true
    }

    public func stop() {
        guard case .exact = plan.mode, let handle, !keepsUprobes else { return }
        fg_alloc__detach_uprobes(handle)
        uprobesAttached = false
    }

    public func cost() -> ProbeCost? {
        handle.flatMap { h in ProbeCost.read(name.rawValue) { fg_alloc__cost(h, $0) } }
    }

    public func reset() throws {
        if let handle { try ProbeError.check(fg_alloc__reset(handle), "emptying the alloc probe's maps") }
    }

    static func layout(_ call: AllocatorSymbols.Call) -> UInt32 {
        switch call {
        case .size0: return FG_LAYOUT_SIZE0.rawValue
        case .size1: return FG_LAYOUT_SIZE1.rawValue
        case .calloc: return FG_LAYOUT_CALLOC.rawValue
        case .realloc: return FG_LAYOUT_REALLOC.rawValue
        case .reallocarray: return FG_LAYOUT_REALLOCARRAY.rawValue
        case .posixMemalign: return FG_LAYOUT_POSIX_MEMALIGN.rawValue
        case .free: return FG_LAYOUT_FREE.rawValue
        }
    }

    public func collect(tracker: Tracker) throws -> ProbeData {
        guard let handle else { throw ProbeError.unavailable("alloc probe was not attached") }
        var reader = RawAllocationsReader(handle: handle, tracker: tracker)
        raw = try reader.read()
        let stats = fg_alloc__stats_fd(handle)
        func stat(_ slot: fg_alloc_stat) -> UInt64 { percpuSum(stats, slot.rawValue) }
        raw?.counters = [
            "untraced_frees": Double(stat(FG_ALLOC_UNMATCHED_FREES)),
            "nested_calls": Double(stat(FG_ALLOC_NESTED)),
            "allocator_mmaps": Double(stat(FG_ALLOC_INTERNAL_MMAPS)),
            "unpaired_returns": Double(stat(FG_ALLOC_UNPAIRED_RETURNS)),
        ]
        if case .sampled = plan.mode { raw?.counters["shim_processes"] = Double(stat(FG_ALLOC_SHIM_LOADS)) }
        let lost = [
            LostCounter(source: "alloc", name: "untracked_allocations", count: stat(FG_ALLOC_OUTSTANDING_FULL),
                        meaning: "allocations not kept because the table of live allocations was full: "
                            + "they cannot show as leaks"),
            LostCounter(source: "alloc", name: "lost_calls", count: stat(FG_ALLOC_PENDING_FULL),
                        meaning: "allocator calls lost because too many threads were inside one at once"),
            LostCounter(source: "alloc", name: "lost_site_totals", count: stat(FG_ALLOC_SITES_FULL),
                        meaning: "allocations left out of the per-stack totals because their table was full"),
            LostCounter(source: "alloc", name: "lost_stacks", count: stat(FG_ALLOC_STACKS_FULL),
                        meaning: "allocations kept without their stack because the stack store was full"),
            LostCounter(source: "alloc", name: "stack_errors", count: stat(FG_ALLOC_STACK_ERRORS),
                        meaning: "allocation stacks that could not be read"),
            LostCounter(source: "alloc", name: "unsampled_allocations", count: stat(FG_ALLOC_SHIM_DROPPED),
                        meaning: "allocations the sampling shim should have sampled but could not (its table "
                            + "of sampled blocks was full)"),
        ]
        return ProbeData(probe: .alloc, unit: .bytes, lost: lost)
    }
}

/// The alloc probe's maps after the target ended, before symbolization.
public struct RawAllocations: Sendable {
    /// A stored user stack.
    public struct Stack: Sendable {
        public var ips: [UInt64]
        public var leafReturn: UInt64
        /// CPython frames, innermost first (`bpf/python.h`).
        public var python: [UInt64] = []
    }

    /// A live allocation (the map's key, its address, is not needed past grouping).
    public struct Live: Sendable {
        public var pid: Int32
        public var generation: UInt32
        public var function: Int
        public var size: UInt64
        /// Allocations it stands for (1 exact, 1/p sampled).
        public var weight: Double
        /// Hash into `stacks`; 0 none.
        public var stack: UInt64
        /// CLOCK_MONOTONIC nanoseconds.
        public var timestamp: UInt64
    }

    /// What one stack allocated through one function.
    public struct Site: Sendable {
        public var pid: Int32
        public var generation: UInt32
        public var function: Int
        public var stack: UInt64
        public var count: Double
        public var bytes: Double
        /// The most this stack's allocations held at once.
        public var peakBytes: Double
    }

    public struct FunctionStats: Sendable {
        public var count: Double
        public var bytes: Double
        public var frees: Double
        public var failed: UInt64
        /// Weighted counts by `SizeHistogram` slot.
        public var sizes: [Double]
    }

    public var live: [Live] = []
    public var sites: [Site] = []
    public var stacks: [UInt64: Stack] = [:]
    /// By function index.
    public var functions: [FunctionStats] = []
    public var peakBytes: Double = 0
    /// Informational counts (see `AllocationReport.counters`).
    public var counters: [String: Double] = [:]
}

/// Reads the alloc probe's maps into `RawAllocations`.
struct RawAllocationsReader {
    let handle: OpaquePointer
    let tracker: Tracker
    private var result = RawAllocations()

    init(handle: OpaquePointer, tracker: Tracker) {
        self.handle = handle
        self.tracker = tracker
    }

    mutating func read() throws -> RawAllocations {
        try readLive()
        try readSites()
        try readFunctions()
        var slot = FG_HEAP_PEAK.rawValue
        var peak: Int64 = 0
        if fg_map_lookup(fg_alloc__heap_fd(handle), &slot, &peak) == 0 {
            result.peakBytes = Double(max(peak, 0)) / AllocProbe.weightOne
        }
        return result
    }

    private mutating func remember(_ hash: UInt64) {
        guard hash != 0, result.stacks[hash] == nil else { return }
        let stack = tracker.stack(hash)
        result.stacks[hash] = RawAllocations.Stack(ips: stack.ips, leafReturn: stack.leafReturn, python: stack.python)
    }

    private mutating func readLive() throws {
        let capacity = entries(fg_alloc__outstanding_fd(handle), max: fg_alloc__max_outstanding(handle))
        var keys = [fg_alloc_key](repeating: fg_alloc_key(), count: capacity)
        var values = [fg_alloc_info](repeating: fg_alloc_info(), count: capacity)
        let n = fg_map_dump(fg_alloc__outstanding_fd(handle), MemoryLayout<fg_alloc_key>.stride,
                            MemoryLayout<fg_alloc_info>.stride, &keys, &values, capacity)
        try ProbeError.check(Int32(clamping: n), "reading the alloc probe's live allocations")
        result.live.reserveCapacity(n)
        for i in 0..<n {
            let k = keys[i], v = values[i]
            remember(v.user_stack)
            result.live.append(RawAllocations.Live(
                pid: Int32(bitPattern: k.tgid), generation: v.gen, function: Int(v.func), size: v.size,
                weight: Double(v.weight) / AllocProbe.weightOne, stack: v.user_stack, timestamp: v.ts_ns))
        }
    }

    private mutating func readSites() throws {
        let capacity = entries(fg_alloc__sites_fd(handle), max: fg_alloc__max_sites(handle))
        var keys = [fg_alloc_site_key](repeating: fg_alloc_site_key(), count: capacity)
        var values = [fg_alloc_site_value](repeating: fg_alloc_site_value(), count: capacity)
        let n = fg_map_dump(fg_alloc__sites_fd(handle), MemoryLayout<fg_alloc_site_key>.stride,
                            MemoryLayout<fg_alloc_site_value>.stride, &keys, &values, capacity)
        try ProbeError.check(Int32(clamping: n), "reading the alloc probe's per-stack totals")
        for i in 0..<n {
            let k = keys[i], v = values[i]
            remember(k.user_stack)
            result.sites.append(RawAllocations.Site(
                pid: Int32(bitPattern: k.tgid), generation: k.gen, function: Int(k.func), stack: k.user_stack,
                count: Double(v.count) / AllocProbe.weightOne, bytes: Double(v.bytes) / AllocProbe.weightOne,
                peakBytes: Double(max(v.peak, 0)) / AllocProbe.weightOne))
        }
    }

    private mutating func readFunctions() throws {
        let funcs = fg_alloc__funcs_fd(handle), hists = fg_alloc__hists_fd(handle)
        let slots = Int(FG_ALLOC_HIST_SLOTS)
        for index in 0..<AllocProbe.maxFunctions {
            var key = UInt32(index)
            var stats = fg_alloc_func_stats()
            try ProbeError.check(fg_map_lookup(funcs, &key, &stats), "reading the alloc probe's function totals")
            var sizes = [Double](repeating: 0, count: slots)
            if stats.count > 0 {
                for slot in 0..<slots {
                    var index = UInt32(index * slots + slot)
                    var value: UInt64 = 0
                    try ProbeError.check(fg_map_lookup(hists, &index, &value), "reading the alloc probe's size histograms")
                    sizes[slot] = Double(value) / AllocProbe.weightOne
                }
            }
            result.functions.append(RawAllocations.FunctionStats(
                count: Double(stats.count) / AllocProbe.weightOne, bytes: Double(stats.bytes) / AllocProbe.weightOne,
                frees: Double(stats.frees) / AllocProbe.weightOne, failed: stats.failed, sizes: sizes))
        }
    }
}
