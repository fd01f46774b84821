import CFlamegateBPF
import Model

/// Run-queue latency of tracked threads (wakeup or preemption → running
/// again, BCC's runqlat), voluntary and involuntary switches, migrations.
public final class SchedProbe: Probe {
    public let name = ProbeName.sched
    private var object: BPFObject?

    public init() {}

    public func attach(tracker: Tracker) throws {
        let object = try BPFObject("sched")
        try object.start(tracker: tracker, "sched.bpf.c on sched_switch/sched_wakeup/sched_migrate_task")
        self.object = object
    }

    public func cost() -> ProbeCost? { object?.cost() }

    public func reset() throws { try object?.reset() }

    public func collect(tracker: Tracker) throws -> ProbeData {
        guard let object else { throw ProbeError.unavailable("sched probe was not attached") }
        let runq = HistogramMap.array(object.map("runq"), index: 0).map(LatencyHistogram.init)
            ?? LatencyHistogram()
        let fd = object.map("stats")
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
