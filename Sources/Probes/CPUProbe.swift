import CFlamegateBPF
import Model

/// On-CPU stack sampling: a BPF program on the software cpu-clock event of
/// every CPU, keeping the tracked tree's samples, counted per stack in the kernel.
public final class CPUProbe: Probe {
    public let name = ProbeName.cpu
    public let frequencyHz: UInt32
    private let maxEntries: UInt32
    private var handle: OpaquePointer?

    public init(frequencyHz: UInt32 = CPUSettings.defaultFrequency, maxEntries: UInt32 = 40960) {
        self.frequencyHz = frequencyHz
        self.maxEntries = maxEntries
    }

    deinit { fg_cpu__destroy(handle) }

    public func attach(tracker: Tracker) throws {
        var config = fg_cpu_config(frequency_hz: frequencyHz, max_entries: maxEntries)
        var out: OpaquePointer?
        try ProbeError.check(fg_cpu__open(&config, tracker.handle, &out),
                             "attaching the cpu probe (cpu.bpf.c on cpu-clock at \(frequencyHz) Hz)")
        handle = out
    }

    public func cost() -> ProbeCost? {
        handle.flatMap { h in ProbeCost.read(name.rawValue) { fg_cpu__cost(h, $0) } }
    }

    /// Every run's samples at the same phase from the target's start (see fg_cpu__restart).
    public func begin(tracker: Tracker) throws {
        if let handle { try ProbeError.check(fg_cpu__restart(handle), "restarting the cpu-clock events") }
    }

    public func reset() throws {
        if let handle { try ProbeError.check(fg_cpu__reset(handle), "emptying the cpu probe's maps") }
    }

    public func collect(tracker: Tracker) throws -> ProbeData {
        guard let handle else { throw ProbeError.unavailable("cpu probe was not attached") }
        let capacity = entries(fg_cpu__counts_fd(handle), max: fg_cpu__max_entries(handle))
        var keys = [fg_cpu_key](repeating: fg_cpu_key(), count: capacity)
        var counts = [UInt64](repeating: 0, count: capacity)
        let n = fg_map_dump(fg_cpu__counts_fd(handle), MemoryLayout<fg_cpu_key>.stride, 8, &keys, &counts, capacity)
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
        let stats = fg_cpu__stats_fd(handle)
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
        return ProbeData(probe: .cpu, unit: .samples, periodNanoseconds: 1_000_000_000 / UInt64(frequencyHz),
                         stacks: stacks, lost: lost)
    }
}
