import Model

/// A thread that burns its CPU asking the clock or the scheduler whether it
/// is time yet: on-CPU ≥ 90% of its life, never asleep for long, samples
/// dominated by clock reads (gettimeofday, clock_gettime, often in the vDSO,
/// which no syscall tracepoint sees — hence the stacks), sched_yield or
/// zero-timeout poll/epoll/select. The finding names the polling function.
public enum BusyPollingDetector {
    public static let minimumOnCPU = 0.90
    public static let maximumBlocksPerSecond = 50.0
    /// A thread that blocks often but each time briefly hands a lock over —
    /// an interpreter's GIL passed to the threads it started, 400 times a
    /// second — and never sleeps waiting for what it polls for.
    public static let maximumHandoffSeconds = 0.000_5
    /// An interpreter's busy-wait spends most of each turn of its loop in the
    /// interpreter itself: `while time.time() < deadline: pass` on CPython
    /// 3.12 reads the clock in 25% of its samples (a C loop: 85–90%).
    public static let minimumPollingShare = 0.2
    /// Against a base whose same thread polled at least `minimumPollingRise`
    /// times less, a smaller share is enough: asyncio's loop spinning on
    /// `await asyncio.sleep(0)` spends 17% of its samples in epoll_wait, the
    /// rest in the loop's own Python code, where the base's loop slept in it.
    public static let minimumRisenPollingShare = 0.1
    public static let minimumPollingRise = 3.0

    static let primitives: Set<String> = [
        "gettimeofday", "__gettimeofday", "__vdso_gettimeofday", "clock_gettime", "__clock_gettime",
        "__clock_gettime64", "__vdso_clock_gettime", "time", "__vdso_time", "sched_yield", "__sched_yield",
        "poll", "__poll", "ppoll", "__ppoll", "epoll_wait", "epoll_pwait", "select", "__select", "pselect6",
        "do_sys_poll", "do_select", "__x64_sys_sched_yield", "do_sched_yield",
    ]

    static func isPrimitive(_ name: String) -> Bool {
        primitives.contains(String(WaitCategory.base(name))) || name.hasPrefix("__vdso_")
    }

    /// Whether a thread kept running its whole life: on CPU ≥ 90% of it, and
    /// its blocks rare or each a brief handoff (off CPU under 0.5 ms on average).
    static func isBusy(_ t: ThreadTime) -> Bool? {
        guard let wall = t.wallSeconds, wall > 0.05 else { return nil }
        let rate = Double(t.voluntaryBlocks) / wall
        // asleep, not preempted: a runnable thread's time is the scheduler's choice
        let offCPU = t.offCPUSeconds.filter { $0.key != "runnable" }.values.reduce(0, +)
        let handoffs = t.voluntaryBlocks > 0 && offCPU / Double(t.voluntaryBlocks) <= maximumHandoffSeconds
        return t.cpuSeconds / wall >= minimumOnCPU && (rate <= maximumBlocksPerSecond || handoffs)
    }

    /// Samples of a thread's stacks that are in a polling primitive (from its
    /// outermost one), by primitive, by the primitive's caller and by the
    /// script function that reached it; and all the thread's samples.
    struct Polling {
        var total: UInt64 = 0, polling: UInt64 = 0
        var primitives: [String: UInt64] = [:], callers: [String: UInt64] = [:], scriptCallers: [String: UInt64] = [:]

        init(_ profile: TrimmedProfile?, thread: String, scripts: Set<String>) {
            for s in profile?.stacks(thread: thread) ?? [] {
                total += s.value
                guard let i = s.frames.indices.dropFirst().first(where: { isPrimitive(s.frames[$0]) }) else { continue }
                polling += s.value
                primitives[String(WaitCategory.base(s.frames[i])), default: 0] += s.value
                if i > 1 { callers[s.frames[i - 1], default: 0] += s.value }
                // a script's function (Python, JavaScript) that reached the primitive through the interpreter
                if let j = s.frames[..<i].lastIndex(where: { scripts.contains($0) }) {
                    scriptCallers[s.frames[j], default: 0] += s.value
                }
            }
        }
    }

    public static func detect(_ size: SizeResult, before: SizeResult? = nil, policy: Enforcement) -> [Finding] {
        guard policy != .off, let profile = size.cpuProfile else { return [] }
        let scripts = Set(size.runs.flatMap(\.functions).filter { Frame.isScriptModule($0.module) }.map(\.name))
        // threads busy in most runs, by name
        var busyRuns: [String: Int] = [:]
        var onCPU: [String: [Double]] = [:], blockRate: [String: [Double]] = [:]
        for run in size.runs {
            for t in run.threads ?? [] {
                // threads share names (an interpreter's pool threads carry its own): the busy one's figures
                guard isBusy(t) == true, let wall = t.wallSeconds else { continue }
                onCPU[t.name, default: []].append(t.cpuSeconds / wall)
                blockRate[t.name, default: []].append(Double(t.voluntaryBlocks) / wall)
                busyRuns[t.name, default: 0] += 1
            }
        }
        var findings: [Finding] = []
        for (thread, count) in busyRuns.sorted(by: { $0.key < $1.key }) where count * 2 > size.runs.count {
            let now = Polling(profile, thread: thread, scripts: scripts)
            guard now.total > 0 else { continue }
            let share = Double(now.polling) / Double(now.total)
            // what the base's thread of that name polled per run, when there is a base
            let risen = before.map { base -> Bool in
                let then = Polling(base.cpuProfile, thread: thread, scripts: [])
                let perRun = Double(now.polling) / Double(max(size.runs.count, 1))
                return perRun >= minimumPollingRise * Double(then.polling) / Double(max(base.runs.count, 1))
            } ?? false
            guard share >= minimumPollingShare || (risen && share >= minimumRisenPollingShare),
                  let native = now.callers.max(by: { $0.value < $1.value })?.key,
                  let primitive = now.primitives.max(by: { $0.value < $1.value })?.key else { continue }
            // the script's function when it holds most of the polling, the interpreter's function as the way in
            let script = now.scriptCallers.max(by: { $0.value < $1.value }).flatMap { 2 * $0.value > now.polling ? $0.key : nil }
            let caller = script ?? native
            let path = (profile.heaviestPath(to: native) ?? [native]) + [primitive]
            let via = script != nil && native != caller && !HotspotDetector.isGuess(native) ? " (through \(native))" : ""
            let cpu = Descriptive.median(onCPU[thread] ?? []) ?? 0
            let rate = Descriptive.median(blockRate[thread] ?? []) ?? 0
            findings.append(Finding(
                kind: .busyPolling, severity: policy == .fail ? .error : .warning, function: caller, callPath: path,
                size: size.size,
                summary: "\(caller) busy-polls \(primitive)\(via): thread \(thread) on CPU \(Int((cpu * 100).rounded()))% "
                    + "of its life, \(Int((share * 100).rounded()))% of its samples polling"
                    + (share < minimumPollingShare ? " (≥ \(Int(minimumPollingRise))× the base's)" : ""),
                evidence: [.init("on_cpu_share", cpu, "ratio"), .init("polling_sample_share", share, "ratio"),
                           .init("voluntary_blocks_per_second", rate, "1/s")],
                hint: "wait instead of spinning: block on what you wait for — poll()/epoll_wait() with the time left as "
                    + "timeout, a timerfd, or in an event loop an event or future to await"))
        }
        return findings
    }
}
