import Model
import Probes

/// Which probes exist in this build and whether this kernel can run them.
public enum ProbeRegistry {
    /// Status of a probe on this machine without attaching it.
    public static func status(_ probe: ProbeName) -> ProbeStatus {
        for feature in Capabilities.requirements(of: probe) {
            let result = Capabilities.check(feature)
            if let why = result.unavailable {
                return ProbeStatus(probe: probe, unavailable: "\(feature.rawValue) unavailable: \(why)")
            }
        }
        return ProbeStatus(probe: probe)
    }

    /// The probes to attach and every requested probe's status; throws when the
    /// user named a probe that cannot run. The alloc probe follows
    /// `settings.allocPlan`, what `AllocPlanner` decided for the target.
    static func make(_ settings: ProbeSession.Settings) throws -> ([Probe], [ProbeStatus]) {
        var probes: [Probe] = []
        var statuses: [ProbeStatus] = []
        var degraded: [Probe] = []
        for name in settings.probes.sorted() {
            let status = status(name)
            statuses.append(status)
            if let why = status.unavailable {
                // most machines have no PMU: even when named, the pmu probe degrades to listing
                // every hardware metric as unavailable with the reason (never an error, never zeros)
                if name == .pmu {
                    degraded.append(PMUProbe(unavailable: why))
                    continue
                }
                if settings.probesExplicit { throw ProbeError.unavailable("probe '\(name.rawValue)': \(why)") }
                continue
            }
            switch name {
            case .cpu: probes.append(CPUProbe(frequencyHz: settings.frequencyHz, maxEntries: settings.limits.cpuEntries))
            case .offcpu: probes.append(OffCPUProbe(minimumBlockNanoseconds: settings.minimumBlockNanoseconds))
            case .io: probes.append(IOProbe())
            case .sched: probes.append(SchedProbe())
            case .pmu: probes.append(PMUProbe())
            case .alloc:
                // the allocator to trace depends on the target; one that cannot be traced
                // is an error only when the user asked for the probe
                switch settings.allocPlan {
                case let .planned(plan)?: probes.append(AllocProbe(plan: plan, keepsUprobes: settings.repeated))
                case let .impossible(why)?:
                    if settings.probesExplicit { throw ProbeError.unavailable(why) }
                    statuses[statuses.count - 1].unavailable = why
                case nil: break
                }
            }
        }
        if probes.isEmpty {
            throw ProbeError.unavailable("no probe can run: "
                + statuses.map { "\($0.probe.rawValue): \($0.unavailable ?? "ok")" }.joined(separator: "; "))
        }
        return (probes + degraded, statuses)
    }
}
