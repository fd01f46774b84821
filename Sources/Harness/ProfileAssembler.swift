import Model
import Probes
import Symbols

/// Symbolizes a probe's raw stacks into a profile.
enum ProfileAssembler {
    static func profile(from data: ProbeData, symbolizer: Symbolizer) -> Profile {
        var builder = ProfileBuilder(kind: data.probe.rawValue, unit: data.unit,
                                     periodNanoseconds: data.periodNanoseconds)
        // identical symbolized stacks of one thread are merged
        struct Key: Hashable { let pid: Int32; let tid: Int32; let thread: String; let frames: [Int] }
        var merged: [Key: UInt64] = [:]
        var order: [Key] = []
        for raw in data.stacks {
            let frames = symbolizer.frames(pid: raw.pid, generation: raw.generation, user: raw.user,
                                           leafReturn: raw.userLeafReturn, kernel: raw.kernel)
            let key = Key(pid: raw.pid, tid: raw.tid, thread: raw.thread, frames: frames.map { builder.intern($0) })
            if merged[key] == nil { order.append(key) }
            merged[key, default: 0] += raw.value
        }
        for key in order {
            builder.add(StackSample(pid: key.pid, tid: key.tid, thread: key.thread, frames: key.frames,
                                    value: merged[key]!))
        }
        return builder.profile
    }
}
