import Model

/// What a scenario was compared with when the base was measured in the same
/// run (`flamegate run --base REF`, `--base-dir`, `--base-env`).
public struct BaseReport: Codable, Sendable, Equatable {
    /// The base, as the reports name it: "abc123def456 (origin/main)",
    /// "directory /src/base", "environment VARIANT=good".
    public var source: String
    /// The base's scenario file; nil for a scenario that is new in the change.
    public var file: String?
    /// Pairs measured (the fewest of any size).
    public var pairs: Int
    /// Looks taken at the data, and how many the plan allowed.
    public var looks: Int
    public var plannedLooks: Int
    /// The significance level of the last look (α spent on it).
    public var alpha: Double
    /// Why the base side could not be measured; the scenario is then judged
    /// against its stored baseline, if it has one.
    public var failure: ScenarioFailure?

    public init(source: String, file: String?, pairs: Int = 0, looks: Int = 0, plannedLooks: Int = 0,
                alpha: Double = 0.05, failure: ScenarioFailure? = nil) {
        self.source = source
        self.file = file
        self.pairs = pairs
        self.looks = looks
        self.plannedLooks = plannedLooks
        self.alpha = alpha
        self.failure = failure
    }

    /// New in the change: the base has no such scenario file.
    public var isNew: Bool { file == nil }
}

/// How fine a run's wall-time comparison was: the noise it had and the
/// smallest slowdown it could have flagged (the widest of the sizes).
public struct Sensitivity: Codable, Sendable, Equatable {
    /// Half the interval's width relative to the ratio (0.008: ±0.8%); the
    /// interval is at 95%, or at the level of a sequential plan's last look.
    public var halfWidth: Double
    /// The least rise it could call a regression, as a fraction (0.059: 5.9%).
    public var smallestDetectable: Double

    public init(halfWidth: Double, smallestDetectable: Double) {
        self.halfWidth = halfWidth
        self.smallestDetectable = smallestDetectable
    }

    /// From the gated wall-time comparisons of every size; nil when none was made.
    public init?(_ comparison: ScenarioComparison?) {
        let walls = comparison?.metrics.filter { $0.metric == Metric.wallTime.id }.compactMap(\.comparison) ?? []
        guard let widest = walls.max(by: { $0.halfWidth < $1.halfWidth }) else { return nil }
        self.init(halfWidth: widest.halfWidth, smallestDetectable: widest.smallestDetectable)
    }
}
