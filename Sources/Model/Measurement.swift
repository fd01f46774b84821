import Foundation

/// The comparable quantities of a run, by stable id. Probes add their own
/// (io_p99, leaked_bytes, ipc, …) as they land; each is described in `Metric.catalog`.
public struct Metric: Hashable, Codable, Sendable {
    public var id: String
    public var unit: String
    /// Which `Thresholds` value gates it; nil for informational metrics.
    public var threshold: ThresholdKey?
    public var description: String
    /// A fall is the regression (instructions per cycle); for every other metric a rise is.
    public var higherIsBetter: Bool

    public init(id: String, unit: String, threshold: ThresholdKey?, description: String, higherIsBetter: Bool = false) {
        self.id = id
        self.unit = unit
        self.threshold = threshold
        self.description = description
        self.higherIsBetter = higherIsBetter
    }

    /// The `thresholds:` keys that gate a metric, as the scenario file spells
    /// them; `Thresholds.tau(_:)` gives each one's τ, the metrics below name
    /// the key that gates them (wall and CPU time share their key's name).
    public enum ThresholdKey: String, Codable, Sendable, CaseIterable {
        case wallTime = "wall_time", cpuTime = "cpu_time", ioP99 = "io_p99", ipc, leakedBytes = "leaked_bytes"
    }

    public static let wallTime = Metric(id: ThresholdKey.wallTime.rawValue, unit: "s", threshold: .wallTime,
                                        description: "wall-clock time from exec to the target's exit")
    public static let cpuTime = Metric(id: ThresholdKey.cpuTime.rawValue, unit: "s", threshold: .cpuTime,
                                       description: "user + system CPU time of the waited-for process tree")
    public static let maxRSS = Metric(id: "max_rss", unit: "KiB", threshold: nil,
                                      description: "peak resident set size of the largest process")
    public static let voluntarySwitches = Metric(id: "voluntary_switches", unit: "count", threshold: nil,
                                                 description: "voluntary context switches (blocking waits)")
    public static let involuntarySwitches = Metric(id: "involuntary_switches", unit: "count", threshold: nil,
                                                   description: "involuntary context switches (preemptions)")

    public static let offCPUTime = Metric(id: "offcpu.time", unit: "s", threshold: nil,
                                          description: "time tracked threads spent off the CPU (blocked or queued)")
    public static let offCPUBlocks = Metric(id: "offcpu.blocks", unit: "count", threshold: nil,
                                            description: "times tracked threads left the CPU")
    public static let runqueueP50 = Metric(id: "sched.runqueue_p50", unit: "s", threshold: nil,
                                           description: "median run-queue latency (runnable → running)")
    public static let runqueueP99 = Metric(id: "sched.runqueue_p99", unit: "s", threshold: nil,
                                           description: "99th percentile run-queue latency")
    public static let voluntarySwitchesTree = Metric(id: "sched.voluntary_switches", unit: "count", threshold: nil,
                                                     description: "switches of tracked threads while blocking")
    public static let involuntarySwitchesTree = Metric(id: "sched.involuntary_switches", unit: "count",
                                                       threshold: nil, description: "preemptions of tracked threads")
    public static let migrations = Metric(id: "sched.migrations", unit: "count", threshold: nil,
                                          description: "CPU migrations of tracked threads")
    public static let blockP50 = Metric(id: "io.block_p50", unit: "s", threshold: nil,
                                        description: "median latency of the block requests the target submitted, issue → completion")
    public static let blockP90 = Metric(id: "io.block_p90", unit: "s", threshold: nil,
                                        description: "90th percentile latency of the block requests the target submitted")
    public static let blockP99 = Metric(id: "io.block_p99", unit: "s", threshold: .ioP99,
                                        description: "99th percentile latency of the block requests the target submitted")
    public static let blockRequests = Metric(id: "io.block_requests", unit: "count", threshold: nil,
                                             description: "block requests the target submitted")

    /// Syscalls whose 99th percentile latency gates (`io_p99`); others inform.
    public static let gatedSyscalls: Set<String> = ["fsync", "fdatasync"]

    public static func syscallP99(_ name: String) -> Metric {
        Metric(id: "io.syscall.\(name).p99", unit: "s", threshold: gatedSyscalls.contains(name) ? .ioP99 : nil,
               description: "99th percentile latency of \(name)(2) in the tracked tree")
    }

    /// Off-CPU seconds of one wait category (see `WaitCategory`).
    public static func wait(_ category: WaitCategory) -> Metric {
        Metric(id: category.metricID, unit: "s", threshold: nil,
               description: category == .join ? "off-CPU time waiting for other threads to end (pthread_join)"
                   : "off-CPU time waiting on \(category.rawValue)")
    }

    public static let catalog: [Metric] = [
        wallTime, cpuTime, maxRSS, voluntarySwitches, involuntarySwitches, offCPUTime, offCPUBlocks,
    ] + WaitCategory.allCases.map(wait) + [
        runqueueP50, runqueueP99, voluntarySwitchesTree, involuntarySwitchesTree, migrations,
        blockP50, blockP90, blockP99, blockRequests,
    ] + HardwareCounters.metrics + Metric.allocation + [probeTime, unwoundStacks, pythonStacks, calibration]

    /// The description of any metric id, including per-syscall ones; nil for unknown ids.
    public static func named(_ id: String) -> Metric? {
        if let known = catalog.first(where: { $0.id == id }) { return known }
        let parts = id.split(separator: ".")
        if parts.count == 4, parts[0] == "io", parts[1] == "syscall", parts[3] == "p99" {
            return syscallP99(String(parts[2]))
        }
        return nil
    }

    /// Metric ids in report order: the catalog's, then the others by name.
    public static func ordered(_ ids: Set<String>) -> [String] {
        let known = catalog.map(\.id).filter(ids.contains)
        return known + ids.subtracting(known).sorted()
    }
}

extension Thresholds {
    /// τ for a gated metric.
    public func tau(_ key: Metric.ThresholdKey) -> Double {
        switch key {
        case .wallTime: return wallTime
        case .cpuTime: return cpuTime
        case .ioP99: return ioP99
        case .ipc: return ipc
        case .leakedBytes: return Double(leakedBytes)
        }
    }
}

/// CPU samples of one function in one run.
public struct FunctionSamples: Codable, Sendable, Equatable {
    public var name: String
    public var module: String
    public var selfSamples: UInt64
    public var inclusiveSamples: UInt64

    public init(name: String, module: String, selfSamples: UInt64, inclusiveSamples: UInt64) {
        self.name = name
        self.module = module
        self.selfSamples = selfSamples
        self.inclusiveSamples = inclusiveSamples
    }
}

/// One measured run of a scenario.
public struct RunMeasurement: Codable, Sendable {
    public var metrics: [String: Double]
    /// Metrics that could not be measured on this machine, with the reason.
    public var unavailable: [String: String]
    public var exit: TargetExit
    /// CPU samples of the run and the time one stands for.
    public var cpuSamples: UInt64
    public var cpuPeriodNanoseconds: UInt64?
    /// Functions holding at least `FunctionSamples` trimming's share of this run's samples.
    public var functions: [FunctionSamples]
    /// Lost-data counters that were not zero.
    public var lost: [LostCounter]
    /// The busiest threads' time (cpu and offcpu probes), for the busy-polling detector.
    public var threads: [ThreadTime]?
    /// The alloc probe's largest leak candidates: bytes by call path (`LeakGroup.path`).
    public var leaks: [String: Double]? = nil
    /// The alloc probe's paths by what they held at their height: peak bytes
    /// and the allocations the path made, by call path (`LeakGroup.path`).
    public var retained: [String: RetainedPath]? = nil

    public init(metrics: [String: Double], unavailable: [String: String] = [:], exit: TargetExit,
                cpuSamples: UInt64, cpuPeriodNanoseconds: UInt64?, functions: [FunctionSamples],
                lost: [LostCounter], threads: [ThreadTime]? = nil) {
        self.metrics = metrics
        self.unavailable = unavailable
        self.exit = exit
        self.cpuSamples = cpuSamples
        self.cpuPeriodNanoseconds = cpuPeriodNanoseconds
        self.functions = functions
        self.lost = lost
        self.threads = threads
    }
}

/// A profile merged over runs and cut to its heaviest stacks, with the rest in
/// one `[other]` stack: small and stable enough to review in a pull request.
public struct TrimmedProfile: Codable, Sendable, Equatable {
    public struct Stack: Codable, Sendable, Equatable {
        /// Thread name first, then frames root to leaf (folded-stack order).
        public var frames: [String]
        public var value: UInt64
        public init(frames: [String], value: UInt64) {
            self.frames = frames
            self.value = value
        }
    }

    public static let otherFrame = "[other]"
    public var unit: ProfileUnit
    public var stacks: [Stack]

    public init(unit: ProfileUnit, stacks: [Stack]) {
        self.unit = unit
        self.stacks = stacks
    }
}

/// All runs of one size (or the only size) of a scenario.
public struct SizeResult: Codable, Sendable {
    /// nil when the scenario has no `sizes`.
    public var size: Int?
    public var runs: [RunMeasurement]
    /// CPU profile merged over the runs.
    public var cpuProfile: TrimmedProfile?
    /// Off-CPU profile (nanoseconds, `[off-cpu: STATE]` leaves) merged over the runs.
    public var offCPUProfile: TrimmedProfile?
    /// Off-CPU time with its wakers (BCC offwaketime folding) merged over the runs.
    public var wakerProfile: TrimmedProfile?

    public init(size: Int?, runs: [RunMeasurement], cpuProfile: TrimmedProfile?, offCPUProfile: TrimmedProfile? = nil,
                wakerProfile: TrimmedProfile? = nil) {
        self.size = size
        self.runs = runs
        self.cpuProfile = cpuProfile
        self.offCPUProfile = offCPUProfile
        self.wakerProfile = wakerProfile
    }

    public func values(_ metric: String) -> [Double] { runs.compactMap { $0.metrics[metric] } }
}

/// The machine a measurement was taken on: baselines from another kind of
/// machine compare badly, so a mismatch is warned about loudly.
public struct EnvironmentFingerprint: Codable, Sendable, Equatable {
    public var kernel: String
    public var cpuModel: String
    public var cores: Int
    public var flamegateVersion: String

    public init(kernel: String, cpuModel: String, cores: Int, flamegateVersion: String) {
        self.kernel = kernel
        self.cpuModel = cpuModel
        self.cores = cores
        self.flamegateVersion = flamegateVersion
    }

    /// What differs from `other`, for the warning; empty when comparable.
    public func differences(from other: EnvironmentFingerprint) -> [String] {
        var out: [String] = []
        if kernel != other.kernel { out.append("kernel \(other.kernel) → \(kernel)") }
        if cpuModel != other.cpuModel { out.append("CPU \(other.cpuModel) → \(cpuModel)") }
        if cores != other.cores { out.append("cores \(other.cores) → \(cores)") }
        if flamegateVersion != other.flamegateVersion {
            out.append("flamegate \(other.flamegateVersion) → \(flamegateVersion)")
        }
        return out
    }
}

/// One allocation path's height in a run: the most its allocations held at
/// once, and how many allocations it made.
public struct RetainedPath: Codable, Sendable, Equatable {
    public var peakBytes: Double
    public var calls: Double

    public init(peakBytes: Double, calls: Double) {
        self.peakBytes = peakBytes
        self.calls = calls
    }
}
