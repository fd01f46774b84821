/// The probes (see `ProbeRegistry` in Harness), by the names users write in `--probes` and scenarios.
public enum ProbeName: String, CaseIterable, Codable, Sendable, Comparable {
    case cpu, offcpu, alloc, io, sched, pmu

    public static func < (a: ProbeName, b: ProbeName) -> Bool {
        allCases.firstIndex(of: a)! < allCases.firstIndex(of: b)!
    }
}

/// Whether a probe ran, and if not, why: "unavailable: reason", never a silent zero.
public struct ProbeStatus: Codable, Sendable, Equatable {
    public var probe: ProbeName
    /// nil when the probe ran.
    public var unavailable: String?

    public init(probe: ProbeName, unavailable: String? = nil) {
        self.probe = probe
        self.unavailable = unavailable
    }
}
