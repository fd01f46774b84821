import Model

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

    public init(pid: Int32, tid: Int32, generation: UInt32, thread: String, user: [UInt64], userLeafReturn: UInt64,
                kernel: [UInt64], value: UInt64) {
        self.pid = pid
        self.tid = tid
        self.generation = generation
        self.thread = thread
        self.user = user
        self.userLeafReturn = userLeafReturn
        self.kernel = kernel
        self.value = value
    }
}

/// What a probe hands back after the target ended.
public struct ProbeData: Sendable {
    public var probe: ProbeName
    public var unit: ProfileUnit
    public var periodNanoseconds: UInt64?
    public var stacks: [RawStack]
    public var lost: [LostCounter]
}

/// The life of every probe: attach while the target is held before exec,
/// stop when it ended, then collect what the kernel aggregated.
public protocol Probe: AnyObject {
    var name: ProbeName { get }
    /// Loads the BPF object against the tracker's shared maps and attaches it.
    func attach(tracker: Tracker) throws
    /// Stops collecting; what was collected stays readable.
    func stop()
    func collect(tracker: Tracker) throws -> ProbeData
}
