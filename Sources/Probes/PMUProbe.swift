import CFlamegateBPF
import Foundation
import Model

/// Hardware counters of the whole tracked tree, counted as `perf stat` does:
/// one perf event per counter, opened on the held target before it execs,
/// enabled by its exec and inherited by every thread and child (their counts
/// fold into the event as they exit). Counters whose ratio matters are
/// grouped so the PMU schedules them together — {cycles, instructions},
/// {cache-references, cache-misses}, {branch-instructions, branch-misses} —
/// and a ratio then covers the same time even when the kernel multiplexes;
/// stalled cycles count alone where the PMU offers them. Counts are scaled by
/// time enabled / time running (see `CounterReading`).
///
/// Where the machine has no usable PMU (most VMs and hosted CI runners) the
/// probe is made with `init(unavailable:)`: it counts nothing and reports every
/// metric unavailable with the reason, so results, baselines and reports say
/// what is missing and why instead of showing zeros or nothing.
public final class PMUProbe: Probe {
    public let name = ProbeName.pmu

    /// The perf event that stands for a counter.
    struct Event {
        var counter: HardwareCounter
        var type: UInt32
        var config: UInt64
        /// Events sharing a group are scheduled together.
        var group: UInt32
    }

    static let hardware: [Event] = {
        let type = PERF_TYPE_HARDWARE.rawValue
        func event(_ counter: HardwareCounter, _ id: perf_hw_id, _ group: UInt32) -> Event {
            Event(counter: counter, type: type, config: UInt64(id.rawValue), group: group)
        }
        return [
            event(.cycles, PERF_COUNT_HW_CPU_CYCLES, 0), event(.instructions, PERF_COUNT_HW_INSTRUCTIONS, 0),
            event(.cacheReferences, PERF_COUNT_HW_CACHE_REFERENCES, 1), event(.cacheMisses, PERF_COUNT_HW_CACHE_MISSES, 1),
            event(.branches, PERF_COUNT_HW_BRANCH_INSTRUCTIONS, 2), event(.branchMisses, PERF_COUNT_HW_BRANCH_MISSES, 2),
            event(.stalledCyclesFrontend, PERF_COUNT_HW_STALLED_CYCLES_FRONTEND, 3),
            event(.stalledCyclesBackend, PERF_COUNT_HW_STALLED_CYCLES_BACKEND, 4),
        ]
    }()

    private let events: [Event]
    /// Why nothing is counted: the machine has no usable PMU.
    private let missing: String?
    private var handle: OpaquePointer?

    /// Counts the hardware counters.
    public convenience init() { self.init(events: Self.hardware) }

    /// Counts nothing and reports every pmu metric unavailable for `reason`.
    public init(unavailable reason: String) {
        events = []
        missing = reason
    }

    /// Counts `events` (tests let software events stand in for hardware ones).
    init(events: [Event]) {
        self.events = events
        missing = nil
    }

    deinit { fg_pmu__destroy(handle) }

    /// Nothing to load: the counters are opened per run, on that run's target.
    public func attach(tracker: Tracker) throws {}

    public func reset() throws {
        fg_pmu__destroy(handle)
        handle = nil
    }

    public func begin(tracker: Tracker) throws {
        guard missing == nil else { return }
        guard let pid = tracker.target else {
            throw ProbeError.unavailable("pmu probe: no target is tracked to count (track the held process first)")
        }
        let specs = events.map { fg_pmu_event(type: $0.type, group: $0.group, config: $0.config) }
        var out: OpaquePointer?
        try ProbeError.check(fg_pmu__open(pid, specs, Int32(specs.count), &out),
                             "opening hardware counters on pid \(pid) (fg_pmu__open)", libbpfLog: false)
        handle = out
    }

    public func stop() {
        if let handle { fg_pmu__stop(handle) }
    }

    public func collect(tracker: Tracker) throws -> ProbeData {
        if let missing {
            return ProbeData(probe: .pmu, unavailable: HardwareCounters.unavailable(missing), lost: [])
        }
        guard let handle else { throw ProbeError.unavailable("pmu probe was not attached") }
        var estimates: [HardwareCounter: CounterEstimate] = [:]
        for (index, event) in events.enumerated() {
            estimates[event.counter] = Self.estimate(handle, index: Int32(index), event.counter)
        }
        let (metrics, unavailable) = HardwareCounters.measure(estimates)
        return ProbeData(probe: .pmu, metrics: metrics, unavailable: unavailable, lost: [])
    }

    /// One counter's scaled count, or why it has none.
    static func estimate(_ handle: OpaquePointer, index: Int32, _ counter: HardwareCounter) -> CounterEstimate {
        let opened = fg_pmu__error(handle, index)
        if opened < 0 { return .unavailable(openFailure(counter, errno: -opened)) }
        var reading = fg_pmu_reading()
        let result = fg_pmu__read(handle, index, &reading)
        if result < 0 { return .unavailable("read(\(counter.rawValue)): \(String(cString: strerror(-result)))") }
        return CounterReading(value: reading.value, timeEnabled: reading.time_enabled,
                              timeRunning: reading.time_running).estimate(of: counter)
    }

    /// `perf_event_open(stalled-cycles-frontend): No such file or directory (not offered by this PMU)`.
    static func openFailure(_ counter: HardwareCounter, errno: Int32) -> String {
        let hint: String
        switch errno {
        case ENOENT, EOPNOTSUPP: hint = " (not offered by this PMU)"
        case EACCES, EPERM: hint = " (needs root or CAP_PERFMON; see /proc/sys/kernel/perf_event_paranoid)"
        case EBUSY: hint = " (the PMU is held exclusively by another user)"
        default: hint = ""
        }
        return "perf_event_open(\(counter.rawValue)): \(String(cString: strerror(errno)))" + hint
    }
}
