#if canImport(Glibc)
import Glibc
#endif
import CFlamegateBPF
import Foundation
import Model

/// A lifecycle event of the tracked tree, as the tracker saw it.
public struct ProcessEvent: Sendable {
    public enum Kind: Sendable { case fork, thread, exec, threadExit, exit }
    public var kind: Kind
    public var timeNanoseconds: UInt64
    public var pid: Int32
    public var tid: Int32
    public var parentPid: Int32
    public var generation: UInt32
    public var exitStatus: Int32
    /// EXIT: peak resident pages of the process's last exec'd image; 0 unknown.
    public var peakRSSPages: UInt64
    public var comm: String
    public var filename: String
}

/// The BPF side of following the target's process tree, and owner of the
/// maps all probes share (`tracked`, `stacks`).
public final class Tracker: @unchecked Sendable {
    let handle: OpaquePointer
    /// The first process tracked since the last reset: the run's held target,
    /// for probes that open events on it directly (the pmu probe's inherited counters).
    public private(set) var target: Int32?

    public init(maxTracked: UInt32 = 8192, maxStacks: UInt32 = 16384) throws {
        // FLAMEGATE_UNWIND_TABLES=0: frame pointers only, to measure what the tables cost and bring
        var config = fg_tracker_config(max_tracked: maxTracked, max_stacks: maxStacks, max_unwind_rows: 0,
                                       no_unwind_tables: getenv("FLAMEGATE_UNWIND_TABLES").map { String(cString: $0) == "0" } == true ? 1 : 0)
        var out: OpaquePointer?
        try ProbeError.check(fg_tracker__open(&config, &out), "loading the process tracker (tracker.bpf.c)")
        handle = out!
        // libc's, the loader's and libstdc++'s tables while the probes load
        Thread.detachNewThread { [self] in
            for path in Self.commonLibraries { _ = fg_tracker__unwind_prepare(handle, path) }
            prewarm.signal()
        }
    }

    deinit {
        waitForPrewarm()
        fg_tracker__destroy(handle)
    }

    private let prewarm = DispatchSemaphore(value: 0)
    private var prewarmed = false

    /// The background build of the common tables has ended (the unwinder's
    /// state is used by one thread at a time).
    private func waitForPrewarm() {
        if !prewarmed {
            prewarm.wait()
            prewarmed = true
        }
    }

    /// Between two runs: untracks every process, empties the stack store and
    /// the counters, discards pending events. The programs stay attached.
    public func reset() throws {
        waitForPrewarm()
        try ProbeError.check(fg_tracker__reset(handle), "emptying the tracker's maps")
        target = nil
    }

    /// Starts tracking a process (the held target, before it execs).
    public func track(pid: Int32) throws {
        try ProbeError.check(fg_tracker__track(handle, UInt32(pid)), "tracking pid \(pid)")
        if target == nil { target = pid }
    }

    /// Lifecycle events since the last call, waiting up to `timeoutMilliseconds`
    /// for one or for `wakeFD` (the target's pidfd) to become readable.
    public func poll(timeoutMilliseconds: Int32, wakeFD: Int32 = -1) throws -> [ProcessEvent] {
        waitForPrewarm()
        var events: UnsafePointer<fg_proc_event>?
        var count = 0
        try ProbeError.check(fg_tracker__poll(handle, wakeFD, timeoutMilliseconds, &events, &count),
                             "reading process events")
        guard let events else { return [] }
        return (0..<count).map { ProcessEvent(events[$0]) }
    }

    /// A stored stack: native frames leaf first, the leaf's return-address
    /// candidate, and the Python frames the kernel appended (innermost
    /// first, encoded as in `bpf/python.h`); empty for hash 0 or an unknown hash.
    public func stack(_ hash: UInt64) -> (ips: [UInt64], leafReturn: UInt64, python: [UInt64]) {
        guard hash != 0 else { return ([], 0, []) }
        var stack = fg_stack()
        guard fg_tracker__stack(handle, hash, &stack) == 0 else { return ([], 0, []) }
        let depth = Int(min(stack.depth, UInt32(FG_MAX_STACK_DEPTH)))
        let pythonCount = min(depth, Int((stack.flags & FG_STACK_PY_MASK) >> FG_STACK_PY_SHIFT))
        let all = withUnsafeBytes(of: stack.ips) { raw in
            Array(raw.bindMemory(to: UInt64.self).prefix(depth))
        }
        return (Array(all.prefix(depth - pythonCount)), stack.leaf_return, Array(all.suffix(pythonCount)))
    }

    /// What the tracking programs (fork, exec, exit) cost so far.
    public func cost() -> ProbeCost? {
        ProbeCost.read("tracker") { fg_tracker__cost(handle, $0) }
    }

    /// Turns the kernel's run-time statistics of BPF programs on for as long
    /// as the returned descriptor stays open; throws the reason when it cannot.
    public static func enableCostStatistics() throws -> Int32 {
        let fd = fg_cost__enable()
        if fd < 0 {
            throw ProbeError.unavailable("the kernel's BPF run-time statistics could not be enabled "
                + "(BPF_ENABLE_STATS: \(String(cString: strerror(-fd))))")
        }
        return fd
    }

    /// Counters of what the tracker lost.
    public func lostCounters() -> [LostCounter] {
        let fd = fg_tracker__stats_fd(handle)
        return [
            LostCounter(source: "tracker", name: "lost_process_events",
                        count: percpuSum(fd, FG_TRACKER_EVENTS_LOST.rawValue),
                        meaning: "process and thread start/exit events dropped: names or lifetimes may be missing"),
            LostCounter(source: "tracker", name: "untracked_children",
                        count: percpuSum(fd, FG_TRACKER_TRACKED_FULL.rawValue),
                        meaning: "child processes not followed because the tracked-process table was full"),
        ] + unwindLostCounters() + pythonLostCounters()
    }

    /// Python frames the kernel side could not give: stacks with more than
    /// it walks, code objects it had no room to name.
    private func pythonLostCounters() -> [LostCounter] {
        let stats = pythonStats()
        return [
            LostCounter(source: "python", name: "truncated_stacks", count: stats[Int(FG_PY_TRUNCATED.rawValue)],
                        meaning: "Python stacks deeper than \(FG_PY_MAX_FRAMES) frames (or than the stack's room): "
                            + "their outermost frames are missing"),
            LostCounter(source: "python", name: "unnamed_code_objects", count: stats[Int(FG_PY_CODES_FULL.rawValue)],
                        meaning: "Python frames whose function could not be named (the code-object table was full)"),
        ].filter { $0.count > 0 }
    }

    /// Builds the unwind tables of the files a target maps at start (the
    /// executable, its libraries; libc and the dynamic loader in any case)
    /// before it runs, so its first samples are unwound with them; other
    /// files get theirs when the kernel side first meets them. Tables stay
    /// loaded across runs.
    public func prepareUnwinding(files: [String]) {
        waitForPrewarm()
        var seen = Set(Self.commonLibraries)
        for path in files where seen.insert(path).inserted {
            _ = fg_tracker__unwind_prepare(handle, path)
        }
    }

    /// What the unwind tables hold and cost (for the tracker's lifetime).
    public func unwindUsage() -> fg_unwind_usage {
        waitForPrewarm()
        var usage = fg_unwind_usage()
        fg_tracker__unwind_usage(handle, &usage)
        return usage
    }

    /// The share of this run's user stacks that reached their outermost
    /// frame, samples taken inside execve (no user stack yet) left out; nil
    /// without any.
    public func unwoundShare() -> Double? {
        let fd = fg_tracker__unwind_stats_fd(handle)
        let stacks = percpuSum(fd, FG_UNWIND_STACKS.rawValue), starting = percpuSum(fd, FG_UNWIND_NOT_STARTED.rawValue)
        guard stacks > starting else { return nil }
        return Double(percpuSum(fd, FG_UNWIND_COMPLETE.rawValue)) / Double(stacks - starting)
    }

    /// One counter for the user stacks cut before their root, its meaning
    /// naming the reasons, so a report says it once; the table requests lost
    /// and the files left without a table apart.
    private func unwindLostCounters() -> [LostCounter] {
        let fd = fg_tracker__unwind_stats_fd(handle)
        func stat(_ slot: fg_unwind_stat) -> UInt64 { percpuSum(fd, slot.rawValue) }
        let reasons: [(fg_unwind_stat, String)] = [
            (FG_UNWIND_CUT_NO_TABLE, "in code with neither an unwind table nor a frame pointer (JIT code, a file without .eh_frame)"),
            (FG_UNWIND_CUT_PENDING, "while their code's unwind table was being built (a library's first moments)"),
            (FG_UNWIND_CUT_UNSUPPORTED, "at an unwind rule the in-kernel unwinder does not evaluate (a DWARF expression)"),
            (FG_UNWIND_CUT_READ, "at stack memory that could not be read"),
            (FG_UNWIND_CUT_DEPTH, "at \(FG_MAX_STACK_DEPTH) frames"),
            (FG_UNWIND_CUT_BUSY, "at a mapping not learned yet (one new mapping per sample in interrupt context)"),
            (FG_UNWIND_CUT_UNMAPPED, "at a return address outside every mapping (a frame-pointer guess that went wrong)"),
        ]
        let counts = reasons.map { (stat($0.0), $0.1) }.filter { $0.0 > 0 }
        let total = counts.reduce(UInt64(0)) { $0 + $1.0 }
        let meaning = counts.isEmpty ? "user stacks cut before their outermost frame"
            : "user stacks cut before their outermost frame: " + counts.map { "\($0.0) \($0.1)" }.joined(separator: "; ")
        return [
            LostCounter(source: "unwind", name: "cut_stacks", count: total, meaning: meaning),
            LostCounter(source: "unwind", name: "lost_table_requests", count: stat(FG_UNWIND_REQUESTS_LOST),
                        meaning: "requests for unwind tables dropped (queue full): those files used frame pointers until asked again"),
            LostCounter(source: "unwind", name: "files_without_room", count: unwindUsage().full,
                        meaning: "mapped files left without an unwind table because the table store was full"),
        ]
    }

    /// The system libraries this process maps that nearly every target maps too.
    static let commonLibraries: [String] = {
        // procfs files report size 0: read to the end, not by size
        guard let data = FileHandle(forReadingAtPath: "/proc/self/maps")?.readDataToEndOfFile(),
              let maps = String(data: data, encoding: .utf8) else { return [] }
        let wanted = ["libc.so", "ld-linux", "libm.so", "libstdc++.so", "libgcc_s.so"]
        var seen: [String] = []
        for line in maps.split(separator: "\n") {
            guard let slash = line.firstIndex(of: "/") else { continue }
            let path = String(line[slash...])
            let name = path.split(separator: "/").last.map(String.init) ?? ""
            if wanted.contains(where: { name.hasPrefix($0) }), !seen.contains(path) { seen.append(path) }
        }
        return seen
    }()
}

/// Room for every entry of a hash map about to be dumped (it no longer
/// changes: nothing is tracked), not for its maximum: the largest tables hold
/// 262144 entries, and zeroing buffers that large took a third of a short
/// run's collection time.
func entries(_ fd: Int32, max: UInt32) -> Int {
    let n = fg_map_count(fd)
    return n < 0 ? Int(max) : min(Int(max), n + 64)
}

func percpuSum(_ fd: Int32, _ slot: UInt32) -> UInt64 {
    var value: UInt64 = 0
    return fg_map_percpu_sum(fd, slot, &value) == 0 ? value : 0
}

extension ProcessEvent {
    init(_ e: fg_proc_event) {
        switch Int32(e.kind) {
        case Int32(FG_PROC_FORK.rawValue): kind = .fork
        case Int32(FG_PROC_THREAD.rawValue): kind = .thread
        case Int32(FG_PROC_EXEC.rawValue): kind = .exec
        case Int32(FG_PROC_THREAD_EXIT.rawValue): kind = .threadExit
        default: kind = .exit
        }
        timeNanoseconds = e.ts_ns
        pid = Int32(bitPattern: e.tgid)
        tid = Int32(bitPattern: e.tid)
        parentPid = Int32(bitPattern: e.parent_tgid)
        generation = e.gen
        exitStatus = e.exit_code
        peakRSSPages = e.peak_rss_pages
        comm = cString(e.comm)
        filename = cString(e.filename)
    }
}

/// A fixed-size C char array as a String, up to its first NUL.
func cString<T>(_ tuple: T) -> String {
    withUnsafeBytes(of: tuple) { raw in
        String(decoding: raw.prefix(while: { $0 != 0 }), as: UTF8.self)
    }
}
