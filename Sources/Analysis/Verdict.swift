/// The outcome of comparing one metric of a current run with its baseline.
///
/// Raw values are the stable strings written to JSON reports and baselines.
public enum Verdict: String, Codable, Sendable, CaseIterable {
    /// No change that is both statistically and practically significant.
    case pass
    /// Slower or larger than the threshold allows, with statistical evidence.
    case regressed
    /// Faster or smaller beyond the threshold, with statistical evidence.
    case improved
    /// The confidence interval includes the threshold: the data cannot tell a
    /// regression from noise; more repetitions would.
    case inconclusive
}
