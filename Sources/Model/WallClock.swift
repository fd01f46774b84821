/// The wall-clock view: on-CPU samples turned into time and off-CPU time in
/// one profile, so "total = CPU + off-CPU" holds per stack and per thread.
extension Profile {
    public static let offCPUMarkerPrefix = "[off-cpu: "

    /// Off-CPU stacks keep their `[off-cpu: state]` leaf markers.
    public static func wallClock(cpu: Profile, offCPU: Profile) -> Profile {
        var b = ProfileBuilder(kind: "wall", unit: .nanoseconds)
        let period = cpu.periodNanoseconds ?? 0
        for (source, scale) in [(cpu, period), (offCPU, 1)] {
            for s in source.samples {
                let frames = s.frames.map { b.intern(source.frames[$0]) }
                b.add(StackSample(pid: s.pid, tid: s.tid, thread: s.thread, frames: frames, value: s.value * scale))
            }
        }
        return b.profile
    }

    /// The waiting state of an off-CPU sample, from its leaf marker.
    public func offCPUState(of sample: StackSample) -> String? {
        guard let last = sample.frames.last else { return nil }
        let name = frames[last].name
        guard frames[last].kind == .marker, name.hasPrefix(Self.offCPUMarkerPrefix) else { return nil }
        return String(name.dropFirst(Self.offCPUMarkerPrefix.count).dropLast())
    }
}

extension ThreadTime {
    /// Per thread: lifetime from the process records, on-CPU time from the cpu
    /// profile, off-CPU time by state and by what it waited for from the
    /// offcpu profile.
    /// `blocks`: voluntary blocks per thread, from the offcpu probe's counts.
    public static func compute(processes: [ProcessRecord], cpu: Profile, offCPU: Profile,
                               endSeconds: Double, blocks: [Int32: UInt64] = [:]) -> [ThreadTime] {
        let period = Double(cpu.periodNanoseconds ?? 0) / 1e9
        var cpuByThread: [Int32: Double] = [:]
        for s in cpu.samples { cpuByThread[s.tid, default: 0] += Double(s.value) * period }
        var offByThread: [Int32: [String: Double]] = [:], waitsByThread: [Int32: [String: Double]] = [:]
        for s in offCPU.samples {
            let state = offCPU.offCPUState(of: s)
            offByThread[s.tid, default: [:]][state ?? "other", default: 0] += Double(s.value) / 1e9
            let category = WaitCategory.classify(frames: s.frames.map { offCPU.frames[$0].name }, state: state)
            waitsByThread[s.tid, default: [:]][category.rawValue, default: 0] += Double(s.value) / 1e9
        }
        var out: [ThreadTime] = []
        for p in processes {
            for t in p.threads {
                let start = t.startSeconds ?? (t.tid == p.pid ? p.startSeconds : nil)
                let end = t.endSeconds ?? p.endSeconds ?? endSeconds
                out.append(ThreadTime(pid: p.pid, tid: t.tid, name: t.name, wallSeconds: start.map { end - $0 },
                                      cpuSeconds: cpuByThread[t.tid] ?? 0, offCPUSeconds: offByThread[t.tid] ?? [:],
                                      voluntaryBlocks: blocks[t.tid] ?? 0,
                                      waits: waitsByThread[t.tid] ?? [:]))
            }
        }
        return out
    }
}
