import CFlamegateBPF
import Model

/// Run-queue latency of tracked threads (wakeup or preemption → running
/// again, BCC's runqlat), voluntary and involuntary switches, migrations.
public final class SchedProbe: Probe {
    public let name = ProbeName.sched
    private var handle: OpaquePointer?

    public init() {}

    deinit { fg_sched__destroy(handle) }

    public func attach(tracker: Tracker) throws {
        var out: OpaquePointer?
        try ProbeError.check(fg_sched__open(tracker.handle, &out),
                             "attaching the sched probe (sched.bpf.c on sched_switch/sched_wakeup/sched_migrate_task)")
        handle = out
    }

    public func cost() -> ProbeCost? {
        handle.flatMap { h in ProbeCost.read(name.rawValue) { fg_sched__cost(h, $0) } }
    }

    public func reset() throws {
        if let handle { try ProbeError.check(fg_sched__reset(handle), "emptying the sched probe's maps") }
    }

    public func collect(tracker: Tracker) throws -> ProbeData {
        guard let handle else { throw ProbeError.unavailable("sched probe was not attached") }
        let runq = HistogramMap.array(fg_sched__runq_fd(handle), index: 0).map(LatencyHistogram.init)
            ?? LatencyHistogram()
        let fd = fg_sched__stats_fd(handle)
        func stat(_ slot: fg_sched_stat) -> Double { Double(percpuSum(fd, slot.rawValue)) }
        var metrics: [String: Double] = [
            Metric.voluntarySwitchesTree.id: stat(FG_SCHED_VOLUNTARY),
            Metric.involuntarySwitchesTree.id: stat(FG_SCHED_INVOLUNTARY),
            Metric.migrations.id: stat(FG_SCHED_MIGRATIONS),
        ]
        if let p50 = runq.quantile(0.5), let p99 = runq.quantile(0.99) {
            metrics[Metric.runqueueP50.id] = p50 / 1e9
            metrics[Metric.runqueueP99.id] = p99 / 1e9
        }
        let lost = [LostCounter(source: "sched", name: "lost_latencies", count: UInt64(stat(FG_SCHED_QUEUED_FULL)),
                                meaning: "run-queue latencies lost because too many threads were queued at once")]
        return ProbeData(probe: .sched, histograms: [NamedHistogram(probe: "sched", name: "runqueue", histogram: runq)],
                         metrics: metrics, lost: lost)
    }
}
