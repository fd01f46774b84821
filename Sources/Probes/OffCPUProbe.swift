import CFlamegateBPF
import Model

/// Off-CPU time: for every block of a tracked thread, the time from
/// switch-out to switch-in, added in the kernel to the blocking stack, the
/// task state and the waker's stacks (BCC's offcputime and offwaketime).
public final class OffCPUProbe: Probe {
    public let name = ProbeName.offcpu
    public let minimumBlockNanoseconds: UInt64
    private let maxEntries: UInt32
    private let captureWakers: Bool
    private var object: BPFObject?

    public init(minimumBlockNanoseconds: UInt64 = 0, maxEntries: UInt32 = 40960, captureWakers: Bool = true) {
        self.minimumBlockNanoseconds = minimumBlockNanoseconds
        self.maxEntries = maxEntries
        self.captureWakers = captureWakers
    }

    public func attach(tracker: Tracker) throws {
        let object = try BPFObject("offcpu")
        try object.set("min_block_ns", minimumBlockNanoseconds)
        try object.set("capture_wakers", captureWakers)
        if maxEntries > 0 { try object.resize("offcpu", to: maxEntries) }
        if !captureWakers { try object.leaveOut("on_wakeup") }
        try object.start(tracker: tracker, "offcpu.bpf.c on sched_switch/sched_wakeup")
        self.object = object
    }

    public func cost() -> ProbeCost? { object?.cost() }

    public func reset() throws { try object?.reset() }

    public static func stateName(_ state: UInt32) -> String {
        switch state {
        case FG_STATE_RUNNABLE.rawValue: return "runnable"
        case FG_STATE_SLEEPING.rawValue: return "sleeping"
        case FG_STATE_UNINTERRUPTIBLE.rawValue: return "uninterruptible"
        case FG_STATE_IDLE.rawValue: return "idle"
        default: return "other"
        }
    }

    public func collect(tracker: Tracker) throws -> ProbeData {
        guard let object else { throw ProbeError.unavailable("offcpu probe was not attached") }
        let capacity = entries(object.map("offcpu"), max: object.maxEntries("offcpu"))
        var keys = [fg_offcpu_key](repeating: fg_offcpu_key(), count: capacity)
        var values = [fg_offcpu_value](repeating: fg_offcpu_value(), count: capacity)
        let n = fg_map_dump(object.map("offcpu"), MemoryLayout<fg_offcpu_key>.stride,
                            MemoryLayout<fg_offcpu_value>.stride, &keys, &values, capacity)
        try ProbeError.check(Int32(clamping: n), "reading the offcpu probe's map")
        var stacks: [RawStack] = []
        stacks.reserveCapacity(n)
        var total: UInt64 = 0
        for i in 0..<n {
            let k = keys[i], v = values[i]
            let user = tracker.stack(k.user_stack)
            var waker: RawWaker?
            if k.waker_kernel_stack != 0 || k.waker_user_stack != 0 {
                let wakerUser = tracker.stack(k.waker_user_stack)
                waker = RawWaker(pid: Int32(bitPattern: k.waker_tgid), generation: k.waker_gen, user: wakerUser.ips,
                                 userLeafReturn: wakerUser.leafReturn,
                                 kernel: tracker.stack(k.waker_kernel_stack).ips, python: wakerUser.python)
            }
            total += v.total_ns
            stacks.append(RawStack(pid: Int32(bitPattern: k.tgid), tid: Int32(bitPattern: k.tid), generation: k.gen,
                                   thread: cString(k.comm), user: user.ips, userLeafReturn: user.leafReturn,
                                   kernel: tracker.stack(k.kernel_stack).ips, value: v.total_ns,
                                   state: Self.stateName(k.state), waker: waker, count: v.count,
                                   python: user.python))
        }
        let fd = object.map("stats")
        func stat(_ slot: fg_offcpu_stat) -> UInt64 { percpuSum(fd, slot.rawValue) }
        let lost = [
            LostCounter(source: "offcpu", name: "dropped_blocks", count: stat(FG_OFFCPU_COUNTS_FULL),
                        meaning: "off-CPU intervals dropped because the in-kernel map was full"),
            LostCounter(source: "offcpu", name: "lost_starts", count: stat(FG_OFFCPU_STARTS_FULL),
                        meaning: "off-CPU intervals lost because too many threads were blocked at once"),
            LostCounter(source: "offcpu", name: "lost_stacks", count: stat(FG_OFFCPU_STACKS_FULL),
                        meaning: "off-CPU intervals kept without their stack because the stack store was full"),
            LostCounter(source: "offcpu", name: "stack_errors", count: stat(FG_OFFCPU_STACK_ERRORS),
                        meaning: "stacks that could not be read at switch-out"),
        ]
        var metrics: [String: Double] = [Metric.offCPUTime.id: Double(total) / 1e9]
        metrics[Metric.offCPUBlocks.id] = Double(stat(FG_OFFCPU_BLOCKS))
        return ProbeData(probe: .offcpu, unit: .nanoseconds, stacks: stacks, metrics: metrics, lost: lost)
    }
}
