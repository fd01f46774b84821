import Model
import Probes
import Symbols

/// Symbolizes a probe's raw stacks into profiles.
enum ProfileAssembler {
    /// The probe's own profile: CPU samples, or off-CPU time with the waiting
    /// state as a leaf marker frame (`[off-cpu: sleeping]`).
    static func profile(from data: ProbeData, symbolizer: Symbolizer) -> Profile {
        var merger = Merger(kind: data.probe.rawValue, unit: data.unit, period: data.periodNanoseconds)
        for raw in data.stacks {
            var frames = symbolizer.frames(pid: raw.pid, generation: raw.generation, user: raw.user,
                                           leafReturn: raw.userLeafReturn,
                                           kernel: raw.kernel, python: raw.python)
            if let state = raw.state { frames.append(.marker("[off-cpu: \(state)]")) }
            merger.add(raw, frames: frames, value: raw.value)
        }
        return merger.profileDone
    }

    /// Off-CPU time with the waker on top, as BCC's offwaketime folds it:
    /// the blocked stack root → leaf, a `[woken by NAME]` marker, then the
    /// waker's stack leaf → root.
    static func wakerProfile(from data: ProbeData, symbolizer: Symbolizer, processNames: [Int32: String]) -> Profile {
        var merger = Merger(kind: "offwake", unit: .nanoseconds, period: nil)
        for raw in data.stacks {
            guard let waker = raw.waker else { continue }
            var frames = symbolizer.frames(pid: raw.pid, generation: raw.generation, user: raw.user,
                                           leafReturn: raw.userLeafReturn,
                                           kernel: raw.kernel, python: raw.python)
            let kernel = waker.kernel.isEmpty ? [] : symbolizer.frames(pid: -1, generation: 0, user: [],
                                                                        kernel: waker.kernel)
            let fromInterrupt = kernel.contains { Self.interruptEntries.contains($0.name) }
            let user = waker.pid == 0 || fromInterrupt || waker.user.isEmpty ? [] : symbolizer.frames(
                pid: waker.pid, generation: waker.generation, user: waker.user,
                leafReturn: waker.userLeafReturn, kernel: [], python: waker.python)
            let who = fromInterrupt ? "interrupt" : waker.pid == 0 ? "kernel" : processNames[waker.pid] ?? "pid \(waker.pid)"
            frames.append(.marker("[woken by \(who)]"))
            frames += (user + kernel).reversed()
            merger.add(raw, frames: frames, value: raw.value)
        }
        return merger.profileDone
    }

    /// Kernel functions that mean the wakeup ran in interrupt context, where
    /// the interrupted task's user stack is not the waker's.
    static let interruptEntries: Set<String> = [
        "asm_common_interrupt", "common_interrupt", "handle_softirqs", "__irq_exit_rcu", "irq_exit_rcu",
        "asm_sysvec_apic_timer_interrupt", "sysvec_apic_timer_interrupt", "__do_softirq",
    ]

    /// Merges identical symbolized stacks of one thread.
    struct Merger {
        struct Key: Hashable { let pid: Int32; let tid: Int32; let thread: String; let frames: [Int] }
        var builder: ProfileBuilder
        var merged: [Key: UInt64] = [:]
        var order: [Key] = []

        init(kind: String, unit: ProfileUnit, period: UInt64?) {
            builder = ProfileBuilder(kind: kind, unit: unit, periodNanoseconds: period)
        }

        mutating func add(_ raw: RawStack, frames: [Frame], value: UInt64) {
            let key = Key(pid: raw.pid, tid: raw.tid, thread: raw.thread, frames: frames.map { builder.intern($0) })
            if merged[key] == nil { order.append(key) }
            merged[key, default: 0] += value
        }

        var profileDone: Profile {
            var b = builder
            for key in order {
                b.add(StackSample(pid: key.pid, tid: key.tid, thread: key.thread, frames: key.frames, value: merged[key]!))
            }
            return b.profile
        }
    }
}
