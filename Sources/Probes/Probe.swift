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
    public var kernel: [UInt64]
    public var value: UInt64
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
