import Foundation
import Model

/// The probes' own cost in words, for the terminal and HTML views of
/// `flamegate record`: one sentence, then one row per probe.
enum ProbeCostText {
    struct Row {
        var probe: String
        var runs: String
        var perRun: String
        var seconds: String
    }

    /// "flamegate's BPF programs ran N times for X of CPU on all CPUs (Y% of
    /// the target's CPU time)", or why that is unknown.
    static func summary(_ r: Recording) -> String {
        guard let costs = r.probeCosts else {
            return "probe cost unavailable: " + (r.unavailable[Metric.probeTime.id] ?? "not measured")
        }
        let seconds = costs.reduce(0) { $0 + $1.seconds }
        let runs = costs.reduce(UInt64(0)) { $0 + $1.runs }
        let target = r.usage.userSeconds + r.usage.systemSeconds
        let share = target > 0 ? String(format: " (%.1f%% of the target's CPU time)", seconds * 100 / target) : ""
        return "flamegate's BPF programs ran \(FlameUnit.grouped(runs)) times for \(Formatting.seconds(seconds)) "
            + "of CPU on all CPUs\(share)"
    }

    static func rows(_ r: Recording) -> [Row] {
        (r.probeCosts ?? []).sorted { ($0.seconds, $1.probe) > ($1.seconds, $0.probe) }.map { c in
            Row(probe: c.probe, runs: FlameUnit.grouped(c.runs),
                perRun: c.nanosecondsPerRun.map { Formatting.seconds($0 / 1e9) } ?? "-",
                seconds: Formatting.seconds(c.seconds))
        }
    }
}
