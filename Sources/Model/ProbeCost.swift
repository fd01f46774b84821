/// What one probe's BPF programs cost the machine during a recording, from
/// the kernel's run-time statistics: how many times they ran and the CPU time
/// spent in them, on every CPU — for untracked tasks too, since a tracepoint
/// runs its program before the program can tell whose event it is.
public struct ProbeCost: Codable, Sendable, Equatable {
    /// The probe (`cpu`, `offcpu`, …) or `tracker` (process-tree tracking).
    public var probe: String
    /// Loaded programs summed.
    public var programs: Int
    public var runs: UInt64
    public var seconds: Double

    public init(probe: String, programs: Int, runs: UInt64, seconds: Double) {
        self.probe = probe
        self.programs = programs
        self.runs = runs
        self.seconds = seconds
    }

    /// Mean cost of one run, in nanoseconds; nil when the programs never ran.
    public var nanosecondsPerRun: Double? { runs > 0 ? seconds * 1e9 / Double(runs) : nil }
}

extension Metric {
    public static let calibration = Metric(id: "machine.calibration", unit: "s", threshold: nil,
                                           description: "CPU time of flamegate's fixed calibration loop just before the "
                                               + "run: how fast the machine was (see ScenarioComparator)")
    public static let unwoundStacks = Metric(id: "unwind.complete_stacks", unit: "ratio", threshold: nil,
                                             description: "share of user stacks the in-kernel unwinder followed to "
                                                 + "their outermost frame (_start, a thread's start)")
    public static let pythonStacks = Metric(id: "python.walked_stacks", unit: "ratio", threshold: nil,
                                            description: "share of the user stacks of CPython processes that "
                                                + "carry the thread's Python frames (the others: threads "
                                                + "running no Python code)")
    public static let probeTime = Metric(id: "probes.bpf_time", unit: "s", threshold: nil,
                                         description: "CPU time spent in flamegate's own BPF programs during the run, "
                                             + "on every CPU (the probes' overhead)")
}
