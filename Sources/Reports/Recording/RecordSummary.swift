import Foundation
import Model

/// The terminal summary of `flamegate record`: what ran, how it ended, the top
/// functions by self and inclusive share, and every lost-data counter.
public struct RecordSummary {
    public var top: Int

    public init(top: Int = 10) { self.top = top }

    public func render(_ recording: Recording) -> String {
        var out = ""
        let u = recording.usage
        out += "flamegate record: \(recording.command.joined(separator: " "))\n"
        out += "  \(recording.exit.description); wall \(fmt(u.wallSeconds)) s, user \(fmt(u.userSeconds)) s, "
            + "sys \(fmt(u.systemSeconds)) s, max RSS \(u.maxRSSKilobytes) KiB\n"
        let threads = recording.processes.reduce(0) { $0 + $1.threads.count }
        out += "  \(recording.processes.count) process(es), \(threads) thread(s):\n"
        for p in recording.processes.prefix(20) {
            let name = p.names.last ?? "?"
            let names = Set(p.threads.map(\.name)).sorted().joined(separator: ", ")
            out += "    pid \(p.pid) \(name)" + (p.parentPid.map { " (child of \($0))" } ?? "")
                + " threads: \(p.threads.count) [\(names)]\n"
        }
        if recording.processes.count > 20 { out += "    … \(recording.processes.count - 20) more\n" }
        for status in recording.probes {
            if let why = status.unavailable { out += "  probe \(status.probe.rawValue): unavailable: \(why)\n" }
        }
        if let cpu = recording.profile("cpu") {
            out += cpuSection(cpu, frequency: recording.cpuFrequencyHz, lost: recording.lost)
        }
        if let off = recording.profile("offcpu") { out += offCPUSection(off) }
        out += threadSection(recording.threadTimes)
        out += histogramSection(recording.histograms)
        if let allocations = recording.allocations { out += allocationSection(allocations) }
        out += costSection(recording)
        out += lostSection(recording.lost)
        return out
    }

    func cpuSection(_ profile: Profile, frequency: Int?, lost: [LostCounter]) -> String {
        let total = profile.total
        let period = Double(profile.periodNanoseconds ?? 0) / 1e9
        var out = "\ncpu: \(total) samples"
        if let frequency { out += " at \(frequency) Hz (\(fmt(Double(total) * period)) s on CPU)" }
        let dropped = lost.first { $0.source == "cpu" && $0.name == "dropped_samples" }?.count ?? 0
        let resolution = profile.frameResolution
        out += "; dropped samples: \(dropped); unknown frames: \(pct(resolution.unresolved, resolution.frames))"
            + " (\(resolution.unresolved) of \(resolution.frames) sampled frames)\n"
        guard total > 0 else { return out + "  no samples: the target used too little CPU to be sampled\n" }
        let costs = profile.functionCosts()
        let bySelf = costs.filter { $0.selfValue > 0 }.sorted {
            ($0.selfValue, $1.name) > ($1.selfValue, $0.name)
        }
        out += "\n  top functions by self time\n" + table(Array(bySelf.prefix(top)), total: total)
        out += "\n  top functions by inclusive time\n" + table(Array(costs.prefix(top)), total: total)
        return out
    }

    func table(_ rows: [FunctionCost], total: UInt64) -> String {
        var out = "    \(pad("self", 7)) \(pad("samples", 8)) \(pad("incl", 7)) \(pad("samples", 8))  function\n"
        for r in rows {
            out += "    \(pad(pct(r.selfValue, total), 7)) \(pad(String(r.selfValue), 8)) "
                + "\(pad(pct(r.inclusiveValue, total), 7)) \(pad(String(r.inclusiveValue), 8))  "
                + "\(r.name) [\(r.module)]\n"
        }
        return out
    }

    func costSection(_ recording: Recording) -> String {
        var out = "\nprobe cost: " + ProbeCostText.summary(recording) + "\n"
        for row in ProbeCostText.rows(recording) {
            out += "  \(Formatting.padRight(row.probe, 8)) \(pad(row.runs, 12)) runs × \(pad(row.perRun, 9)) = \(row.seconds)\n"
        }
        if let share = recording.metrics[Metric.unwoundStacks.id] {
            out += String(format: "unwinding: %.1f%% of user stacks reached their outermost frame "
                          + "(.eh_frame tables in the kernel; frame pointers where no table covers the code)\n", share * 100)
        }
        if let share = recording.metrics[Metric.pythonStacks.id] {
            out += String(format: "python: %.1f%% of the interpreter's stacks carry Python frames "
                          + "(walked in the kernel from the thread's state)\n", share * 100)
        }
        if let why = recording.unavailable["python.frames"] { out += "python: no Python frames for \(why)\n" }
        return out
    }

    func lostSection(_ lost: [LostCounter]) -> String {
        var out = "\nlost data:\n"
        for c in lost {
            out += "  \(c.source).\(c.name): \(c.count)" + (c.count > 0 ? " — \(c.meaning)" : "") + "\n"
        }
        return out
    }
}

func fmt(_ x: Double) -> String { String(format: "%.3f", x) }
func pct(_ part: UInt64, _ total: UInt64) -> String {
    total == 0 ? "-" : String(format: "%.1f%%", Double(part) * 100 / Double(total))
}
func pad(_ s: String, _ width: Int) -> String {
    s.count >= width ? s : String(repeating: " ", count: width - s.count) + s
}
