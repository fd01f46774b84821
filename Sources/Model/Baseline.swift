import Foundation

/// `baselines/<scenario>.json`: the accepted measurements of a scenario.
public struct Baseline: Codable, Sendable {
    public static let schemaVersion = 1

    public var schemaVersion: Int
    public var scenario: String
    public var createdAt: Date
    public var environment: EnvironmentFingerprint
    public var sizes: [SizeResult]
    /// The git commit of the scenario's repository it was measured at, when
    /// the scenario's directory had no uncommitted changes: `flamegate run`
    /// re-measures it, interleaved, on a machine unlike this baseline's.
    public var commit: String?

    public init(scenario: String, createdAt: Date, environment: EnvironmentFingerprint, sizes: [SizeResult]) {
        schemaVersion = Self.schemaVersion
        self.scenario = scenario
        self.createdAt = createdAt
        self.environment = environment
        self.sizes = sizes
    }

    public func size(_ size: Int?) -> SizeResult? { sizes.first { $0.size == size } }
}
