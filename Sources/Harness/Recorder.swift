import CFlamegateBPF
import Foundation
import Model
import Probes
import Symbols

/// What to record and how.
public struct RecordOptions: Sendable {
    public var launch: LaunchSpec
    public var probes: [ProbeName]
    /// The user named the probes: one that cannot run is an error, not a note.
    public var probesExplicit: Bool
    public var frequencyHz: UInt32
    /// Past it the whole tree is killed and the run marked timed out.
    public var timeoutSeconds: Double?
    /// Past it recording ends: the tree gets SIGTERM, then SIGKILL 2 s later.
    public var durationSeconds: Double?
    public var limits: ProbeLimits
    /// Off-CPU intervals shorter than this are counted but not recorded.
    public var minimumBlockNanoseconds: UInt64 = 0
    /// The alloc probe's allocator and sampling interval (`alloc:` of a scenario).
    public var alloc = AllocSettings()
    /// The perf maps were turned on for this run (`JitMaps`): each tracked
    /// process's `/tmp/perf-PID.map` is removed once its frames are named,
    /// so repeated runs leave nothing behind in /tmp.
    public var jitMaps = false

    public init(launch: LaunchSpec, probes: [ProbeName] = ProbeName.allCases, probesExplicit: Bool = false,
                frequencyHz: UInt32 = CPUSettings.defaultFrequency, timeoutSeconds: Double? = nil, durationSeconds: Double? = nil,
                limits: ProbeLimits = ProbeLimits()) {
        self.launch = launch
        self.probes = probes
        self.probesExplicit = probesExplicit
        self.frequencyHz = frequencyHz
        self.timeoutSeconds = timeoutSeconds
        self.durationSeconds = durationSeconds
        self.limits = limits
    }
}

/// Sizes of the in-kernel tables; what does not fit is counted as lost.
public struct ProbeLimits: Sendable, Equatable {
    /// Distinct stacks stored, all probes together.
    public var stacks: UInt32
    /// Distinct (thread, stack) pairs the cpu probe counts.
    public var cpuEntries: UInt32
    /// Processes tracked at once.
    public var processes: UInt32

    public init(stacks: UInt32 = 16384, cpuEntries: UInt32 = 40960, processes: UInt32 = 8192) {
        self.stacks = stacks
        self.cpuEntries = cpuEntries
        self.processes = processes
    }
}

/// Runs targets under the probes and turns what they saw into `Recording`s.
/// The probes stay attached from one recording to the next while the
/// settings do not change (see `ProbeSession`); `endSession()` detaches them.
public final class Recorder {
    /// Symbol tables, kept across recordings of this flamegate process.
    public let modules: ModuleCache
    private let interruption: Interruption?
    private var session: ProbeSession?
    /// The files whose unwind tables a launch needs (`UnwindPreparation`), by
    /// executable and loader environment: every repetition of a scenario asks
    /// for the same, and `ld.so --list` is a process spawn.
    private var unwindFiles: [[String]: [String]] = [:]
    /// Recordings with the same settings follow one another (a scenario's
    /// repetitions): probes that tax flamegate's own work while attached
    /// (exact-mode alloc uprobes) stay attached too. False for one recording.
    public let repeated: Bool

    public init(modules: ModuleCache = ModuleCache(), interruption: Interruption? = nil, repeated: Bool = false) {
        self.modules = modules
        self.interruption = interruption
        self.repeated = repeated
    }

    /// Detaches every probe now (the next recording attaches them again):
    /// between scenarios, so a `build:` does not run under them.
    public func endSession() {
        session = nil
    }

    /// The session for these options: the current one when its settings are
    /// the same, else a new one (the old one is closed first).
    private func session(for options: RecordOptions) throws -> ProbeSession {
        let settings = try ProbeSession.Settings(options, repeated: repeated)
        if let session, session.settings == settings { return session }
        session = nil
        let fresh = try ProbeSession(settings)
        session = fresh
        return fresh
    }

    public func record(_ options: RecordOptions) throws -> Recording {
        try Capabilities.requireRecording()
        let session = try session(for: options)
        let (tracker, probes, statuses) = (session.tracker, session.probes, session.statuses)
        try session.beginRun()
        let spec = AllocPlanner.launchSpec(options.launch, probes: probes)
        let held = try HeldProcess(spec)
        // held before execve: its cgroup is inherited by everything it starts
        Containment.shared.adopt(held.pid)
        defer { Containment.shared.release(held.pid) }
        // whatever fails from here on, the target must not outlive the recording
        var finished = false
        defer {
            if !finished {
                Self.killTree(held.pid, [held.pid])
                reap(held.pid)
            }
        }
        try tracker.track(pid: held.pid)
        let loaderKey = [held.executable] + UnwindPreparation.loaderVariables.map { spec.environment?[$0] ?? "-" }
        let files = unwindFiles[loaderKey] ?? UnwindPreparation.files(executable: held.executable,
                                                                      environment: spec.environment)
        unwindFiles[loaderKey] = files
        tracker.prepareUnwinding(files: files)
        let mappingRecorder = try MappingRecorder(pid: held.pid)
        var spaces = AddressSpaces()
        var python = PythonLocator(tracker: tracker, modules: modules, known: pythonInterpreters)
        python.prepare(files: files)
        apply(MappingRecorder.snapshot(pid: held.pid), to: &spaces, &python)
        for probe in probes { try probe.begin(tracker: tracker) }

        let startedAt = Date()
        let origin = monotonicNanoseconds()
        try held.release()
        var run = RunState(pid: held.pid, origin: origin, options: options)
        // the wait ends as soon as the target exits, not at the next 50 ms tick
        let exitFD = max(fg_pidfd_open(held.pid), -1)  // -1: poll the ring buffer alone
        defer { if exitFD >= 0 { close(exitFD) } }
        while !run.exited {
            try drain(tracker, mappingRecorder, &run, &spaces, &python, timeoutMilliseconds: 50, wakeFD: exitFD)
            run.poll(interrupted: interruption?.isSet ?? false)
        }
        finished = true
        try finishLeftovers(&run, tracker, mappingRecorder, &spaces, &python)
        probes.forEach { $0.stop() }
        let costStatistics = session.runCosts()
        try drain(tracker, mappingRecorder, &run, &spaces, &python, timeoutMilliseconds: 0)
        pythonInterpreters = python.known

        let symbolizer = Symbolizer(spaces: spaces, modules: modules)
        symbolizer.pythonCodes = tracker.pythonCodes()
        var lost = tracker.lostCounters()
        lost.append(LostCounter(source: "mappings", name: "lost_mapping_records", count: spaces.lostRecords,
                                meaning: "mmap/exec records dropped by the kernel: some frames may not resolve"))
        var results = ProbeResults()
        let names = Dictionary(run.table.records.map { ($0.pid, $0.names.last ?? "pid \($0.pid)") }) { a, _ in a }
        for probe in probes {
            var data = try probe.collect(tracker: tracker)
            // before its first exec the held child is still flamegate's code, not the target's
            data.stacks.removeAll { $0.pid == held.pid && $0.generation == 0 }
            results.add(data, symbolizer: symbolizer, processNames: names)
        }
        var allocations: AllocationReport?
        if let alloc = probes.lazy.compactMap({ $0 as? AllocProbe }).first, let raw = alloc.raw {
            var assembler = AllocationAssembler(raw: raw, plan: alloc.plan, symbolizer: symbolizer,
                                                processes: run.table.records, origin: origin, heldPid: held.pid)
            let (report, profiles) = assembler.assemble()
            results.addAllocations(report, profiles: profiles)
            allocations = report
        }
        lost += results.lost
        if options.jitMaps { Self.removeJitMaps(of: run.table.records.map(\.pid), launch: options.launch) }
        var metrics = results.metrics, unavailable = results.unavailable
        switch costStatistics {
        case let .success(costs): metrics[Metric.probeTime.id] = costs.reduce(0) { $0 + $1.seconds }
        case let .failure(error): unavailable[Metric.probeTime.id] = "\(error)"
        }
        if let share = tracker.unwoundShare() { metrics[Metric.unwoundStacks.id] = share }
        if let share = tracker.pythonWalkedShare() { metrics[Metric.pythonStacks.id] = share }
        if !python.unsupported.isEmpty {
            unavailable["python.frames"] = python.unsupported.sorted().joined(separator: ", ")
                + ": Python frames are walked for CPython \(PythonInterpreter.supported.joined(separator: ", ")) "
                + "(record --jit-maps names those of 3.12+ through their perf map)"
        }
        let end = run.table.rootExitNanoseconds ?? run.waitedAt
        let usage = ResourceUsage(
            wallSeconds: Double(end &- origin) / 1e9,
            userSeconds: seconds(run.usage.ru_utime), systemSeconds: seconds(run.usage.ru_stime),
            maxRSSKilobytes: run.table.records.compactMap(\.peakRSSKilobytes).max() ?? Int64(run.usage.ru_maxrss),
            voluntaryContextSwitches: Int64(run.usage.ru_nvcsw),
            involuntaryContextSwitches: Int64(run.usage.ru_nivcsw))
        return Recording(
            flamegateVersion: Version.flamegate, command: options.launch.command, startedAt: startedAt,
            usage: usage, exit: run.exit, probes: statuses,
            cpuFrequencyHz: probes.contains { $0.name == .cpu } ? Int(options.frequencyHz) : nil,
            profiles: results.profiles(), processes: run.table.records, histograms: results.histograms,
            metrics: metrics, unavailable: unavailable,
            threadTimes: results.threadTimes(processes: run.table.records, endSeconds: usage.wallSeconds), lost: lost,
            allocations: allocations, probeCosts: try? costStatistics.get())
    }

    /// What the runtimes wrote because `jit_maps` asked them to: each
    /// process's perf map, and V8's code log (`--perf-basic-prof` writes
    /// `isolate-0x…-PID-v8.log` into the working directory).
    static func removeJitMaps(of pids: [Int32], launch: LaunchSpec) {
        let cwd = launch.workingDirectory ?? FileManager.default.currentDirectoryPath
        let pidSet = Set(pids.map { "-\($0)-v8.log" })
        for pid in pids { unlink(PerfMap.path(pid: pid)) }
        for name in (try? FileManager.default.contentsOfDirectory(atPath: cwd)) ?? []
        where name.hasPrefix("isolate-0x") && pidSet.contains(where: { name.hasSuffix($0) }) {
            unlink(cwd + "/" + name)
        }
    }

    private func drain(_ tracker: Tracker, _ mappings: MappingRecorder, _ run: inout RunState,
                       _ spaces: inout AddressSpaces, _ python: inout PythonLocator, timeoutMilliseconds: Int32,
                       wakeFD: Int32 = -1) throws {
        for event in try tracker.poll(timeoutMilliseconds: timeoutMilliseconds, wakeFD: wakeFD) {
            run.table.apply(event)
        }
        apply(try mappings.read(), to: &spaces, &python)
    }

    private func apply(_ events: [MappingEvent], to spaces: inout AddressSpaces, _ python: inout PythonLocator) {
        for event in events {
            if case let .map(_, _, _, _, path, key?) = event, key != ModuleCache.vdsoKey {
                modules.register(key: key, path: path)
            }
            spaces.apply(event)
            python.observe(event, spaces: spaces)
        }
    }

    /// CPython interpreters by module, kept across recordings.
    private var pythonInterpreters: [String: (PythonInterpreter?, String?)] = [:]

    /// The root exited: processes it left running are killed so nothing of a
    /// run outlives it (reported as a note by the caller through the process list).
    private func finishLeftovers(_ run: inout RunState, _ tracker: Tracker, _ mappings: MappingRecorder,
                                 _ spaces: inout AddressSpaces, _ python: inout PythonLocator) throws {
        let deadline = monotonicNanoseconds() + 1_000_000_000
        var leftovers = run.table.alive.filter { $0 != run.pid }
        while !leftovers.isEmpty, monotonicNanoseconds() < deadline {
            Self.killTree(run.pid, leftovers)
            try drain(tracker, mappings, &run, &spaces, &python, timeoutMilliseconds: 20)
            leftovers = run.table.alive.filter { $0 != run.pid }
        }
    }

    /// Signals the target's process group and every listed pid.
    static func killTree(_ root: Int32, _ pids: [Int32], signal: Int32 = SIGKILL) {
        kill(-root, signal)
        for pid in pids { kill(pid, signal) }
    }

    private func reap(_ pid: Int32) {
        var status: Int32 = 0
        var usage = rusage()
        _ = fg_spawn_wait(pid, &status, &usage, 0)
    }

    private func seconds(_ t: timeval) -> Double { Double(t.tv_sec) + Double(t.tv_usec) / 1e6 }
}

/// The run loop's state: exit, timeout, duration and interruption handling.
struct RunState {
    let pid: Int32
    let options: RecordOptions
    var table: ProcessTable
    var exited = false
    var exit = TargetExit()
    var usage = rusage()
    var waitedAt: UInt64 = 0
    private let timeoutAt: UInt64?
    private let durationAt: UInt64?
    private var killAt: UInt64?

    init(pid: Int32, origin: UInt64, options: RecordOptions) {
        self.pid = pid
        self.options = options
        table = ProcessTable(rootPid: pid, origin: origin)
        timeoutAt = options.timeoutSeconds.map { origin + Self.nanoseconds($0) }
        durationAt = options.durationSeconds.map { origin + Self.nanoseconds($0) }
    }

    /// Seconds as a clock offset; the callers validate (Quantity.durationProblem),
    /// and a value they did not is bounded here rather than trapping.
    static func nanoseconds(_ seconds: Double) -> UInt64 {
        guard seconds.isFinite, seconds > 0 else { return 0 }
        return UInt64(Swift.min(seconds, Quantity.maximumSeconds) * 1e9)
    }

    mutating func poll(interrupted: Bool) {
        var status: Int32 = 0
        if fg_spawn_wait(pid, &status, &usage, 1) == 0 {
            exited = true
            waitedAt = monotonicNanoseconds()
            if fg_status_exited(status) != 0 { exit.code = fg_status_exit_code(status) }
            if fg_status_signaled(status) != 0 { exit.signal = fg_status_signal(status) }
            return
        }
        let now = monotonicNanoseconds()
        let everyone = table.alive
        if let t = timeoutAt, now >= t, !exit.timedOut {
            exit.timedOut = true
            Recorder.killTree(pid, everyone)
        }
        if let d = durationAt, now >= d, !exit.stoppedAfterDuration {
            exit.stoppedAfterDuration = true
            Recorder.killTree(pid, everyone, signal: SIGTERM)
            killAt = now + 2_000_000_000
        }
        if interrupted, !exit.interrupted {
            exit.interrupted = true
            Recorder.killTree(pid, everyone, signal: SIGINT)
            killAt = now + 2_000_000_000
        }
        if let k = killAt, now >= k {
            Recorder.killTree(pid, everyone)
            killAt = nil
        }
    }
}
