import Model

/// A thread that burns its CPU asking the clock or the scheduler whether it
/// is time yet: on-CPU ≥ 90% of its life, few voluntary switches, samples
/// dominated by clock reads (gettimeofday, clock_gettime, often in the vDSO,
/// which no syscall tracepoint sees — hence the stacks), sched_yield or
/// zero-timeout poll/epoll/select. The finding names the polling function.
public enum BusyPollingDetector {
    public static let minimumOnCPU = 0.90
    public static let maximumBlocksPerSecond = 50.0
    /// An interpreter's busy-wait spends most of each turn of its loop in the
    /// interpreter itself: `while time.time() < deadline: pass` on CPython
    /// 3.12 reads the clock in 25% of its samples (a C loop: 85–90%).
    public static let minimumPollingShare = 0.2

    static let primitives: Set<String> = [
        "gettimeofday", "__gettimeofday", "__vdso_gettimeofday", "clock_gettime", "__clock_gettime",
        "__clock_gettime64", "__vdso_clock_gettime", "time", "__vdso_time", "sched_yield", "__sched_yield",
        "poll", "__poll", "ppoll", "__ppoll", "epoll_wait", "epoll_pwait", "select", "__select", "pselect6",
        "do_sys_poll", "do_select", "__x64_sys_sched_yield", "do_sched_yield",
    ]

    static func isPrimitive(_ name: String) -> Bool {
        primitives.contains(String(WaitCategory.base(name))) || name.hasPrefix("__vdso_")
    }

    public static func detect(_ size: SizeResult, policy: Enforcement) -> [Finding] {
        guard policy != .off, let profile = size.cpuProfile else { return [] }
        let scripts = Set(size.runs.flatMap(\.functions).filter { Frame.isScriptModule($0.module) }.map(\.name))
        // threads busy in most runs, by name
        var busyRuns: [String: Int] = [:]
        var onCPU: [String: [Double]] = [:], blockRate: [String: [Double]] = [:]
        for run in size.runs {
            for t in run.threads ?? [] {
                guard let wall = t.wallSeconds, wall > 0.05 else { continue }
                let share = t.cpuSeconds / wall, rate = Double(t.voluntaryBlocks) / wall
                onCPU[t.name, default: []].append(share)
                blockRate[t.name, default: []].append(rate)
                if share >= minimumOnCPU, rate <= maximumBlocksPerSecond { busyRuns[t.name, default: 0] += 1 }
            }
        }
        var findings: [Finding] = []
        for (thread, count) in busyRuns.sorted(by: { $0.key < $1.key }) where count * 2 > size.runs.count {
            let stacks = profile.stacks(thread: thread)
            let total = stacks.reduce(UInt64(0)) { $0 + $1.value }
            guard total > 0 else { continue }
            var callers: [String: UInt64] = [:], polling: UInt64 = 0, primitiveNames: [String: UInt64] = [:]
            var scriptCallers: [String: UInt64] = [:]
            for s in stacks {
                guard let i = s.frames.indices.dropFirst().first(where: { isPrimitive(s.frames[$0]) }) else { continue }
                polling += s.value
                primitiveNames[String(WaitCategory.base(s.frames[i])), default: 0] += s.value
                if i > 1 { callers[s.frames[i - 1], default: 0] += s.value }
                // a script's function (Python, JavaScript) that reached the primitive through the interpreter
                if let j = s.frames[..<i].lastIndex(where: { scripts.contains($0) }) {
                    scriptCallers[s.frames[j], default: 0] += s.value
                }
            }
            let share = Double(polling) / Double(total)
            guard share >= minimumPollingShare, let native = callers.max(by: { $0.value < $1.value })?.key,
                  let primitive = primitiveNames.max(by: { $0.value < $1.value })?.key else { continue }
            // the script's function when it holds most of the polling, the interpreter's function as the way in
            let script = scriptCallers.max(by: { $0.value < $1.value }).flatMap { 2 * $0.value > polling ? $0.key : nil }
            let caller = script ?? native
            let path = (profile.heaviestPath(to: native) ?? [native]) + [primitive]
            let via = script != nil && native != caller ? " (through \(native))" : ""
            let cpu = Descriptive.median(onCPU[thread] ?? []) ?? 0
            let rate = Descriptive.median(blockRate[thread] ?? []) ?? 0
            findings.append(Finding(
                kind: .busyPolling, severity: policy == .fail ? .error : .warning, function: caller, callPath: path,
                size: size.size,
                summary: "\(caller) busy-polls \(primitive)\(via): thread \(thread) on CPU \(Int((cpu * 100).rounded()))% "
                    + "of its life, \(Int((share * 100).rounded()))% of its samples polling",
                evidence: [.init("on_cpu_share", cpu, "ratio"), .init("polling_sample_share", share, "ratio"),
                           .init("voluntary_blocks_per_second", rate, "1/s")],
                hint: "wait instead of spinning: poll()/epoll_wait() with the time left as timeout, or a timerfd"))
        }
        return findings
    }
}
