/// Why a scenario could not be measured.
public struct ScenarioFailure: Codable, Sendable, Equatable {
    public enum Kind: String, Codable, Sendable {
        /// `build:` failed.
        case build
        /// The target could not be started (not found, not executable).
        case launch
        /// A run exited with an unexpected code or was killed by a signal.
        case exit
        /// A run exceeded `run.timeout`; its process tree was killed.
        case timeout
    }

    public var kind: Kind
    public var message: String
    public var size: Int?
    /// 1-based measured repetition, 0 for a warmup run.
    public var repetition: Int?
    /// The last lines the target (or build) wrote to stderr.
    public var stderrTail: String?

    public init(kind: Kind, message: String, size: Int? = nil, repetition: Int? = nil, stderrTail: String? = nil) {
        self.kind = kind
        self.message = message
        self.size = size
        self.repetition = repetition
        self.stderrTail = stderrTail
    }
}

/// Everything measured for one scenario in one `flamegate run`.
public struct ScenarioRun: Codable, Sendable {
    public var scenario: Scenario
    /// The scenario file, as given on the command line.
    public var file: String
    public var environment: EnvironmentFingerprint
    public var sizes: [SizeResult]
    public var failure: ScenarioFailure?
    public var probes: [ProbeStatus]

    public init(scenario: Scenario, file: String, environment: EnvironmentFingerprint, sizes: [SizeResult],
                failure: ScenarioFailure?, probes: [ProbeStatus]) {
        self.scenario = scenario
        self.file = file
        self.environment = environment
        self.sizes = sizes
        self.failure = failure
        self.probes = probes
    }
}
