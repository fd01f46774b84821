import CFlamegateBPF
import Model

/// The task that woke a blocked thread, before symbolization.
public struct RawWaker: Sendable, Hashable {
    /// 0 when woken from an interrupt or by an untracked task (kernel stack only).
    public var pid: Int32
    public var generation: UInt32
    public var user: [UInt64]
    public var userLeafReturn: UInt64
    public var kernel: [UInt64]
    /// CPython frames of the waker, innermost first (`bpf/python.h`).
    public var python: [UInt64]

    public init(pid: Int32, generation: UInt32, user: [UInt64], userLeafReturn: UInt64, kernel: [UInt64],
                python: [UInt64] = []) {
        self.python = python
        self.pid = pid
        self.generation = generation
        self.user = user
        self.userLeafReturn = userLeafReturn
        self.kernel = kernel
    }
}

/// One stack with its value, before symbolization: instruction pointers leaf
/// first, as bpf_get_stack returns them.
public struct RawStack: Sendable {
    public var pid: Int32
    public var tid: Int32
    /// Exec generation of `pid` when recorded (see `AddressSpaces`).
    public var generation: UInt32
    public var thread: String
    public var user: [UInt64]
    /// Return address on top of the user stack, when it looked like one (see `fg_stack`).
    public var userLeafReturn: UInt64
    public var kernel: [UInt64]
    public var value: UInt64
    /// Off-CPU: the state it waited in, shown as a leaf pseudo-frame (`[off-cpu: sleeping]`).
    public var state: String?
    /// Off-CPU: who woke it, when known.
    public var waker: RawWaker?
    /// Off-CPU: how many times it blocked there.
    public var count: UInt64
    /// CPython frames the kernel walked, innermost first (`bpf/python.h`).
    public var python: [UInt64]

    public init(pid: Int32, tid: Int32, generation: UInt32, thread: String, user: [UInt64], userLeafReturn: UInt64, kernel: [UInt64], value: UInt64, state: String? = nil,
                waker: RawWaker? = nil, count: UInt64 = 0, python: [UInt64] = []) {
        self.python = python
        self.pid = pid
        self.tid = tid
        self.generation = generation
        self.thread = thread
        self.user = user
        self.userLeafReturn = userLeafReturn
        self.kernel = kernel
        self.value = value
        self.state = state
        self.waker = waker
        self.count = count
    }
}

/// What a probe hands back after the target ended.
public struct ProbeData: Sendable {
    public var probe: ProbeName
    public var unit: ProfileUnit
    public var periodNanoseconds: UInt64?
    /// Stacks with values; empty for probes that only count.
    public var stacks: [RawStack]
    public var histograms: [NamedHistogram]
    /// Scalar results by metric id (see `Metric`).
    public var metrics: [String: Double]
    /// Metrics this kernel or machine could not provide, with the reason.
    public var unavailable: [String: String]
    public var lost: [LostCounter]

    public init(probe: ProbeName, unit: ProfileUnit = .count, periodNanoseconds: UInt64? = nil,
                stacks: [RawStack] = [], histograms: [NamedHistogram] = [], metrics: [String: Double] = [:],
                unavailable: [String: String] = [:], lost: [LostCounter]) {
        self.probe = probe
        self.unit = unit
        self.periodNanoseconds = periodNanoseconds
        self.stacks = stacks
        self.histograms = histograms
        self.metrics = metrics
        self.unavailable = unavailable
        self.lost = lost
    }
}

/// The life of every probe in a recording session (see `ProbeSession` in
/// Harness): loaded and attached once, then for each run of the session
/// emptied, begun on the held target, stopped when the target ended and
/// collected. Its programs stay attached between runs; they keep only what
/// the tracked tree does, and nothing is tracked between runs.
public protocol Probe: AnyObject {
    var name: ProbeName { get }
    /// Loads the BPF object against the tracker's shared maps and attaches it.
    func attach(tracker: Tracker) throws
    /// Before a run: forgets what the previous run (and untracked tasks) left.
    func reset() throws
    /// The held target of this run is tracked (`tracker.target`) and about to exec.
    func begin(tracker: Tracker) throws
    /// The run's process tree is gone; what was collected stays readable.
    func stop()
    func collect(tracker: Tracker) throws -> ProbeData
    /// What its BPF programs cost so far, summed over the session's runs
    /// (see `ProbeCost`); nil without programs.
    func cost() -> ProbeCost?
}

extension Probe {
    public func begin(tracker: Tracker) throws {}
    public func stop() {}
    public func cost() -> ProbeCost? { nil }
}

extension ProbeCost {
    /// Reads a shim's run-time statistics (`fg_*__cost`).
    static func read(_ probe: String, _ body: (UnsafeMutablePointer<fg_prog_cost>) -> Int32) -> ProbeCost? {
        var c = fg_prog_cost()
        guard body(&c) == 0 else { return nil }
        return ProbeCost(probe: probe, programs: Int(c.programs), runs: c.run_cnt, seconds: Double(c.run_ns) / 1e9)
    }
}

extension ProbeCost {
    /// What was spent since `earlier`, a reading of the same programs.
    public func since(_ earlier: ProbeCost?) -> ProbeCost {
        guard let earlier else { return self }
        return ProbeCost(probe: probe, programs: programs, runs: runs &- earlier.runs,
                         seconds: max(0, seconds - earlier.seconds))
    }
}
