import Foundation

/// How the launched target ended.
public struct TargetExit: Codable, Sendable, Equatable {
    /// Exit code when it exited normally.
    public var code: Int32?
    /// Terminating signal number when killed.
    public var signal: Int32?
    /// The run exceeded its timeout and flamegate killed the process tree.
    public var timedOut: Bool
    /// The user interrupted flamegate (Ctrl-C); results cover the time until then.
    public var interrupted: Bool
    /// flamegate stopped the target when the requested recording duration ended.
    public var stoppedAfterDuration: Bool

    public init(code: Int32? = nil, signal: Int32? = nil, timedOut: Bool = false, interrupted: Bool = false,
                stoppedAfterDuration: Bool = false) {
        self.code = code
        self.signal = signal
        self.timedOut = timedOut
        self.interrupted = interrupted
        self.stoppedAfterDuration = stoppedAfterDuration
    }

    public var description: String {
        var parts: [String] = []
        if let code { parts.append("exit code \(code)") }
        if let signal { parts.append("killed by signal \(signal)") }
        if timedOut { parts.append("timed out") }
        if interrupted { parts.append("interrupted") }
        if stoppedAfterDuration { parts.append("stopped after the recording duration") }
        return parts.isEmpty ? "unknown" : parts.joined(separator: ", ")
    }
}

/// A thread seen in a tracked process.
public struct ThreadRecord: Codable, Sendable, Equatable {
    public var tid: Int32
    public var name: String
    /// Seconds since the target was released; nil when not seen.
    public var startSeconds: Double?
    public var endSeconds: Double?

    public init(tid: Int32, name: String, startSeconds: Double? = nil, endSeconds: Double? = nil) {
        self.tid = tid
        self.name = name
        self.startSeconds = startSeconds
        self.endSeconds = endSeconds
    }
}

/// Where one thread's time went: "total = CPU + off-CPU".
public struct ThreadTime: Codable, Sendable, Equatable {
    public var pid: Int32
    public var tid: Int32
    public var name: String
    /// Lifetime from start (or release) to exit, when both are known.
    public var wallSeconds: Double?
    /// On-CPU time estimated from samples (samples × period).
    public var cpuSeconds: Double
    /// Off-CPU time by task state (sleeping, uninterruptible, runnable, …).
    public var offCPUSeconds: [String: Double]
    /// Times it blocked (left the CPU other than by preemption).
    public var voluntaryBlocks: UInt64
    /// Off-CPU time by what it waited for (`WaitCategory` raw values: lock,
    /// io, sleep, …), from the off-CPU stacks; nil in results written before
    /// flamegate kept it.
    public var waits: [String: Double]?

    public init(pid: Int32, tid: Int32, name: String, wallSeconds: Double?, cpuSeconds: Double,
                offCPUSeconds: [String: Double], voluntaryBlocks: UInt64 = 0, waits: [String: Double]? = nil) {
        self.pid = pid
        self.tid = tid
        self.name = name
        self.wallSeconds = wallSeconds
        self.cpuSeconds = cpuSeconds
        self.offCPUSeconds = offCPUSeconds
        self.voluntaryBlocks = voluntaryBlocks
        self.waits = waits
    }

    public var accountedSeconds: Double { cpuSeconds + offCPUSeconds.values.reduce(0, +) }
}

/// A process of the tracked tree: the target and everything it forked.
public struct ProcessRecord: Codable, Sendable, Equatable {
    public var pid: Int32
    /// nil for the launched target itself.
    public var parentPid: Int32?
    /// Program names in exec order (`comm` after each exec).
    public var names: [String]
    /// Paths passed to execve, in order.
    public var executables: [String]
    public var threads: [ThreadRecord]
    /// Seconds since the target was released.
    public var startSeconds: Double
    public var endSeconds: Double?
    /// wait(2)-style status seen by the tracker at exit.
    public var exitStatus: Int32?
    /// Peak resident set of its last exec'd program, from its memory map at exit.
    public var peakRSSKilobytes: Int64?

    public init(pid: Int32, parentPid: Int32?, names: [String], executables: [String], threads: [ThreadRecord],
                startSeconds: Double, endSeconds: Double?, exitStatus: Int32?, peakRSSKilobytes: Int64? = nil) {
        self.pid = pid
        self.parentPid = parentPid
        self.names = names
        self.executables = executables
        self.threads = threads
        self.startSeconds = startSeconds
        self.endSeconds = endSeconds
        self.exitStatus = exitStatus
        self.peakRSSKilobytes = peakRSSKilobytes
    }
}

/// Resource use of the whole waited-for tree, from wait4(2).
public struct ResourceUsage: Codable, Sendable, Equatable {
    public var wallSeconds: Double
    /// Peak RSS of the largest process of the tree: from each process's own
    /// memory map at exit where the kernel allows (wait4's ru_maxrss would
    /// count the pre-exec copy of flamegate the target was forked from).
    public var userSeconds: Double
    public var systemSeconds: Double
    public var maxRSSKilobytes: Int64
    public var voluntaryContextSwitches: Int64
    public var involuntaryContextSwitches: Int64

    public init(wallSeconds: Double, userSeconds: Double, systemSeconds: Double, maxRSSKilobytes: Int64,
                voluntaryContextSwitches: Int64, involuntaryContextSwitches: Int64) {
        self.wallSeconds = wallSeconds
        self.userSeconds = userSeconds
        self.systemSeconds = systemSeconds
        self.maxRSSKilobytes = maxRSSKilobytes
        self.voluntaryContextSwitches = voluntaryContextSwitches
        self.involuntaryContextSwitches = involuntaryContextSwitches
    }
}

/// Everything one recorded run produced: `profile.json`.
public struct Recording: Codable, Sendable {
    public static let schemaVersion = 1

    public var schemaVersion: Int
    public var flamegateVersion: String
    public var command: [String]
    public var startedAt: Date
    public var usage: ResourceUsage
    public var exit: TargetExit
    public var probes: [ProbeStatus]
    /// Sampling frequency of the cpu probe in Hz, when it ran.
    public var cpuFrequencyHz: Int?
    public var profiles: [Profile]
    public var processes: [ProcessRecord]
    /// Latency histograms of the io and sched probes.
    public var histograms: [NamedHistogram]
    /// Probe results by metric id (see `Metric`).
    public var metrics: [String: Double]
    /// Metrics this machine could not provide, with the reason.
    public var unavailable: [String: String]
    /// Per-thread on-CPU and off-CPU time, when the cpu and offcpu probes both ran.
    public var threadTimes: [ThreadTime]
    public var lost: [LostCounter]
    /// What the alloc probe found, when it ran.
    public var allocations: AllocationReport?
    /// What each probe's BPF programs cost; nil when the kernel's run-time
    /// statistics could not be enabled (`unavailable["probes.bpf_time"]` says why).
    public var probeCosts: [ProbeCost]?

    public init(flamegateVersion: String, command: [String], startedAt: Date, usage: ResourceUsage,
                exit: TargetExit, probes: [ProbeStatus], cpuFrequencyHz: Int?, profiles: [Profile],
                processes: [ProcessRecord], histograms: [NamedHistogram] = [], metrics: [String: Double] = [:],
                unavailable: [String: String] = [:], threadTimes: [ThreadTime] = [], lost: [LostCounter],
                allocations: AllocationReport? = nil, probeCosts: [ProbeCost]? = nil) {
        self.schemaVersion = Recording.schemaVersion
        self.flamegateVersion = flamegateVersion
        self.command = command
        self.startedAt = startedAt
        self.usage = usage
        self.exit = exit
        self.probes = probes
        self.cpuFrequencyHz = cpuFrequencyHz
        self.profiles = profiles
        self.processes = processes
        self.histograms = histograms
        self.metrics = metrics
        self.unavailable = unavailable
        self.threadTimes = threadTimes
        self.lost = lost
        self.allocations = allocations
        self.probeCosts = probeCosts
    }

    public func profile(_ kind: String) -> Profile? {
        profiles.first { $0.kind == kind }
    }
}

public enum Version {
    public static let flamegate = "0.1.0"
}
