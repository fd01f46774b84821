import Model

/// A thread that burns its CPU asking the clock or the scheduler whether it
/// is time yet: it hardly ever waits for time or events (≤ 10% of its life),
/// its samples dominated by clock reads (gettimeofday, clock_gettime, often in
/// the vDSO, which no syscall tracepoint sees — hence the stacks), sched_yield
/// or zero-timeout poll/epoll/select. The finding names the polling function.
public enum BusyPollingDetector {
    /// The most of its life a busy thread waits for time or events — asleep,
    /// in I/O, on a socket, in epoll_wait with a timeout. Waits for a lock
    /// are not the thread's choice and do not count, nor does time runnable:
    /// a spinning thread preempted by its neighbours still wanted the CPU.
    /// asyncio's loop spinning on `sleep(0)` beside its pool threads was on
    /// CPU 75–93% of its life and asleep 3–12%, most of it handing the GIL
    /// over (~0.4 ms each); waiting for time or events took 0.2–5.6%.
    public static let maximumWaitingShare = 0.10
    /// The most of its life it may spend off the CPU in all, locks included:
    /// a worker that waits for jobs most of its life is not spinning.
    public static let maximumOffCPUShare = 0.5
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

    /// Whether a thread kept running its whole life: waiting for time or
    /// events at most `maximumWaitingShare` of it, off the CPU at most
    /// `maximumOffCPUShare`.
    static func isBusy(_ t: ThreadTime) -> Bool? {
        guard let wall = t.wallSeconds, wall > 0.05 else { return nil }
        return waiting(t, wall: wall) / wall <= maximumWaitingShare
            && max(0, wall - t.cpuSeconds - (t.offCPUSeconds[WaitCategory.runnable.rawValue] ?? 0)) / wall <= maximumOffCPUShare
    }

    /// Time a thread waited for time or events: its off-CPU time but for lock
    /// waits, joins and preemptions; from the task states alone in older
    /// results (all but runnable), its whole time off the CPU without them.
    static func waiting(_ t: ThreadTime, wall: Double) -> Double {
        let chosen: Set<WaitCategory> = [.io, .network, .sleep, .other]
        if let waits = t.waits {
            return waits.filter { WaitCategory(rawValue: $0.key).map(chosen.contains) ?? true }.values.reduce(0, +)
        }
        guard !t.offCPUSeconds.isEmpty else { return max(0, wall - t.cpuSeconds) }
        return t.offCPUSeconds.filter { $0.key != WaitCategory.runnable.rawValue }.values.reduce(0, +)
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
        let scripts = Set(size.runs.flatMap(\.functions).filter { Frame.isScript(name: $0.name, module: $0.module) }.map(\.name))
        // threads busy in most runs, by name
        var busyRuns: [String: Int] = [:]
        var onCPU: [String: [Double]] = [:], waitingShare: [String: [Double]] = [:], blockRate: [String: [Double]] = [:]
        for run in size.runs {
            for t in run.threads ?? [] {
                // threads share names (an interpreter's pool threads carry its own): the busy one's figures
                guard isBusy(t) == true, let wall = t.wallSeconds else { continue }
                onCPU[t.name, default: []].append(t.cpuSeconds / wall)
                waitingShare[t.name, default: []].append(waiting(t, wall: wall) / wall)
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
            let cpu = Descriptive.median(onCPU[thread] ?? []) ?? 0, waited = Descriptive.median(waitingShare[thread] ?? []) ?? 0
            let rate = Descriptive.median(blockRate[thread] ?? []) ?? 0
            findings.append(Finding(
                kind: .busyPolling, severity: policy == .fail ? .error : .warning, function: caller, callPath: path,
                size: size.size,
                summary: "\(caller) busy-polls \(primitive)\(via): thread \(thread) on CPU \(Int((cpu * 100).rounded()))% "
                    + "of its life, waiting \(Int((waited * 100).rounded()))%, \(Int((share * 100).rounded()))% of its samples polling"
                    + (share < minimumPollingShare ? " (≥ \(Int(minimumPollingRise))× the base's)" : ""),
                evidence: [.init("on_cpu_share", cpu, "ratio"), .init("waiting_share", waited, "ratio"),
                           .init("polling_sample_share", share, "ratio"),
                           .init("voluntary_blocks_per_second", rate, "1/s")],
                hint: "wait instead of spinning: block on what you wait for — poll()/epoll_wait() with the time left as "
                    + "timeout, a timerfd, or in an event loop an event or future to await"))
        }
        return findings
    }
}
