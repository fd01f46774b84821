import CFlamegateBPF
import Model

/// On-CPU stack sampling: a BPF program on the software cpu-clock event of
/// every CPU, keeping the tracked tree's samples, counted per stack in the kernel.
public final class CPUProbe: Probe {
    public let name = ProbeName.cpu
    public let frequencyHz: UInt32
    private let maxEntries: UInt32
    private var object: BPFObject?

    public init(frequencyHz: UInt32 = CPUSettings.defaultFrequency, maxEntries: UInt32 = 40960) {
        self.frequencyHz = frequencyHz
        self.maxEntries = maxEntries
    }

    /// The sampling period cpu-clock turns the frequency into.
    private var periodNanoseconds: UInt64 { 1_000_000_000 / UInt64(max(frequencyHz, 1)) }

    public func attach(tracker: Tracker) throws {
        let object = try BPFObject("cpu")
        if maxEntries > 0 { try object.resize("counts", to: maxEntries) }
        try object.load(tracker: tracker, "cpu.bpf.c")
        try ProbeError.check(fg_object__attach_cpu_clock(object.handle, "on_cpu_sample", frequencyHz),
                             "attaching the cpu probe (cpu.bpf.c on cpu-clock at \(frequencyHz) Hz)")
        self.object = object
    }

    public func cost() -> ProbeCost? { object?.cost() }

    /// Every run's samples at the same phase from the target's start (see fg_object__restart_cpu_clock).
    public func begin(tracker: Tracker) throws {
        if let object {
            try ProbeError.check(fg_object__restart_cpu_clock(object.handle, periodNanoseconds),
                                 "restarting the cpu-clock events")
        }
    }

    public func reset() throws { try object?.reset() }

    public func collect(tracker: Tracker) throws -> ProbeData {
        guard let object else { throw ProbeError.unavailable("cpu probe was not attached") }
        let capacity = entries(object.map("counts"), max: object.maxEntries("counts"))
        var keys = [fg_cpu_key](repeating: fg_cpu_key(), count: capacity)
        var counts = [UInt64](repeating: 0, count: capacity)
        let n = fg_map_dump(object.map("counts"), MemoryLayout<fg_cpu_key>.stride, 8, &keys, &counts, capacity)
        try ProbeError.check(Int32(clamping: n), "reading the cpu probe's counts map")
        var stacks: [RawStack] = []
        stacks.reserveCapacity(n)
        for i in 0..<n {
            let k = keys[i]
            let user = tracker.stack(k.user_stack)
            stacks.append(RawStack(pid: Int32(bitPattern: k.tgid), tid: Int32(bitPattern: k.tid), generation: k.gen,
                                   thread: cString(k.comm), user: user.ips, userLeafReturn: user.leafReturn,
                                   kernel: tracker.stack(k.kernel_stack).ips, value: counts[i], python: user.python))
        }
        let stats = object.map("stats")
        func stat(_ slot: fg_cpu_stat) -> UInt64 { percpuSum(stats, slot.rawValue) }
        let lost = [
            LostCounter(source: "cpu", name: "dropped_samples", count: stat(FG_CPU_COUNTS_FULL),
                        meaning: "samples dropped because the in-kernel counts map was full"),
            LostCounter(source: "cpu", name: "lost_stacks", count: stat(FG_CPU_STACKS_FULL),
                        meaning: "samples kept without their stack because the stack store was full"),
            LostCounter(source: "cpu", name: "user_stack_errors", count: stat(FG_CPU_USER_STACK_ERROR),
                        meaning: "samples whose user stack could not be read"),
            LostCounter(source: "cpu", name: "kernel_stack_errors", count: stat(FG_CPU_KERNEL_STACK_ERROR),
                        meaning: "samples whose kernel stack could not be read"),
        ]
        return ProbeData(probe: .cpu, unit: .samples, periodNanoseconds: periodNanoseconds,
                         stacks: stacks, lost: lost)
    }
}
