import Model
import Probes

/// One probe, declared once: the name users write in `probes:` and
/// `--probes`, the kernel features it needs, the metrics it reports, and how
/// it is made from the session's settings (its defaults are theirs:
/// `ProbeLimits`, `CPUSettings`). Beside its entry a probe is its
/// `bpf/<name>.bpf.c` and `.h` and its Swift type (`Probe`).
struct ProbeEntry: Sendable {
    var name: ProbeName
    var requires: [CapabilityResult.Feature]
    /// Every metric id it may report (`Metric.catalog` describes them).
    var metrics: [Metric]
    /// nil: not made with these settings (no alloc plan); throws
    /// `ProbeError.unavailable` when the target rules it out.
    var make: @Sendable (ProbeSession.Settings) throws -> Probe?
    /// Made instead when the machine cannot run it, to report each of its
    /// metrics unavailable with the reason; nil: it is left out.
    var degraded: (@Sendable (String) -> Probe)? = nil
}

/// Which probes exist in this build and whether this kernel can run them.
public enum ProbeRegistry {
    /// Every probe, in `ProbeName`'s order.
    static let entries: [ProbeEntry] = [
        ProbeEntry(name: .cpu, requires: [.perfCPUClock], metrics: []) {
            CPUProbe(frequencyHz: $0.frequencyHz, maxEntries: $0.limits.cpuEntries)
        },
        ProbeEntry(name: .offcpu, requires: [.tpBTF],
                   metrics: [Metric.offCPUTime, Metric.offCPUBlocks] + WaitCategory.allCases.map(Metric.wait)) {
            OffCPUProbe(minimumBlockNanoseconds: $0.minimumBlockNanoseconds)
        },
        // exact mode also times anonymous mmap through the raw syscall tracepoints; the
        // allocator to trace depends on the target (`AllocPlanner`)
        ProbeEntry(name: .alloc, requires: [.uprobes, .rawSyscalls], metrics: Metric.allocation) { settings in
            switch settings.allocPlan {
            case let .planned(plan)?: return AllocProbe(plan: plan, keepsUprobes: settings.repeated)
            case let .impossible(why)?: throw ProbeError.unavailable(why)
            case nil: return nil
            }
        },
        ProbeEntry(name: .io, requires: [.tpBTF, .rawSyscalls],
                   metrics: [Metric.blockP50, Metric.blockP90, Metric.blockP99, Metric.blockRequests]
                       + IOProbe.syscalls.map(Metric.syscallP99)) { _ in IOProbe() },
        ProbeEntry(name: .sched, requires: [.tpBTF],
                   metrics: [Metric.runqueueP50, Metric.runqueueP99, Metric.voluntarySwitchesTree,
                             Metric.involuntarySwitchesTree, Metric.migrations]) { _ in SchedProbe() },
        // most machines have no PMU: even when named, the pmu probe degrades to listing
        // every hardware metric as unavailable with the reason (never an error, never zeros)
        ProbeEntry(name: .pmu, requires: [.hardwarePMU], metrics: HardwareCounters.metrics,
                   make: { _ in PMUProbe() }, degraded: { PMUProbe(unavailable: $0) }),
    ]

    static func entry(_ name: ProbeName) -> ProbeEntry {
        guard let entry = entries.first(where: { $0.name == name }) else {
            preconditionFailure("probe \(name.rawValue) has no ProbeRegistry entry")
        }
        return entry
    }

    /// Status of a probe on this machine without attaching it.
    public static func status(_ probe: ProbeName) -> ProbeStatus {
        for feature in entry(probe).requires {
            let result = Capabilities.check(feature)
            if let why = result.unavailable {
                return ProbeStatus(probe: probe, unavailable: "\(feature.rawValue) unavailable: \(why)")
            }
        }
        return ProbeStatus(probe: probe)
    }

    /// The probes to attach and every requested probe's status; throws when the
    /// user named a probe that cannot run.
    static func make(_ settings: ProbeSession.Settings) throws -> ([Probe], [ProbeStatus]) {
        var probes: [Probe] = []
        var statuses: [ProbeStatus] = []
        var degraded: [Probe] = []
        for name in settings.probes.sorted() {
            let entry = entry(name)
            let status = status(name)
            statuses.append(status)
            if let why = status.unavailable {
                if let stand = entry.degraded {
                    degraded.append(stand(why))
                    continue
                }
                if settings.probesExplicit { throw ProbeError.unavailable("probe '\(name.rawValue)': \(why)") }
                continue
            }
            do {
                if let probe = try entry.make(settings) { probes.append(probe) }
            } catch let ProbeError.unavailable(why) where !settings.probesExplicit {
                // ruled out by the target: an error only when the user asked for the probe
                statuses[statuses.count - 1].unavailable = why
            }
        }
        if probes.isEmpty {
            throw ProbeError.unavailable("no probe can run: "
                + statuses.map { "\($0.probe.rawValue): \($0.unavailable ?? "ok")" }.joined(separator: "; "))
        }
        return (probes + degraded, statuses)
    }
}
