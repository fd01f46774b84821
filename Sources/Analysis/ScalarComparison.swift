#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Baseline against current for one positive metric (wall time, CPU time, p99
/// latency, …): how large the change is, how sure we are, and the verdict.
///
/// The method, and why (TheGate.md in the documentation catalog tells it to users):
/// - It works on log(value), so a change is a ratio: 2× slower and 2× faster
///   are the same distance from 1, and thresholds read as percentages.
/// - The ratio is exp of the ``HodgesLehmann`` shift of the logs, robust to the
///   odd slow run that shared CI machines produce.
/// - Its 95% interval is a seeded percentile ``Bootstrap`` of that shift, so the
///   same data always gives the same verdict.
/// - The p-value is a two-sided ``MannWhitney`` test on the values.
/// - The verdict uses the two-gate rule of Criterion.rs (its user guide,
///   "Analysis Process": a significance level and a noise threshold, applied
///   together): a change must be statistically significant (p < α) *and*
///   practically significant (the whole interval beyond the threshold τ). A
///   real but tiny change passes; a large but unproven one is never called a
///   regression (it is inconclusive when the interval reaches past 1 + τ).
public struct ScalarComparison: Codable, Sendable, Equatable {
    /// Typical current value over typical baseline value: 1.10 is 10% larger.
    public var ratio: Double
    /// Lower bound of the 95% bootstrap interval of ``ratio``.
    public var ciLower: Double
    /// Upper bound of the 95% bootstrap interval of ``ratio``.
    public var ciUpper: Double
    /// Two-sided Mann–Whitney p-value.
    public var pValue: Double
    /// Whether the p-value came from the exact or the normal-approximation test.
    public var testMethod: MannWhitney.Method
    public var verdict: Verdict
    /// Practical threshold: a regression must exceed a ratio of 1 + τ.
    public var tau: Double
    /// Significance level of the Mann–Whitney gate.
    public var alpha: Double
    public var nBaseline: Int
    public var nCurrent: Int
    /// Runs made in pairs (`--base`): the test is Wilcoxon's signed-rank on
    /// the pairs' log ratios, not Mann–Whitney (see ``comparePaired(baseline:current:tau:alpha:)``).
    public var paired: Bool?

    public init(ratio: Double, ciLower: Double, ciUpper: Double, pValue: Double,
                testMethod: MannWhitney.Method, verdict: Verdict, tau: Double, alpha: Double,
                nBaseline: Int, nCurrent: Int) {
        self.ratio = ratio
        self.ciLower = ciLower
        self.ciUpper = ciUpper
        self.pValue = pValue
        self.testMethod = testMethod
        self.verdict = verdict
        self.tau = tau
        self.alpha = alpha
        self.nBaseline = nBaseline
        self.nCurrent = nCurrent
    }

    /// Seed of the bootstrap unless the caller picks another, so verdicts are
    /// reproducible by default.
    public static let defaultSeed: UInt64 = 0x5EED

    /// Compares `current` with `baseline` and decides:
    /// - ``Verdict/regressed`` when p < α and ``ciLower`` > 1 + τ;
    /// - ``Verdict/improved`` when p < α and ``ciUpper`` < 1 / (1 + τ);
    /// - ``Verdict/inconclusive`` otherwise when the interval contains 1 + τ
    ///   (``ciLower`` ≤ 1 + τ < ``ciUpper``): a regression beyond τ is neither
    ///   shown nor ruled out, and more repetitions would tell;
    /// - ``Verdict/pass`` otherwise.
    ///
    /// - Parameters:
    ///   - tau: practical threshold as a fraction (0.05 for 5%); 0 for metrics that
    ///     must not grow at all.
    ///   - alpha: significance level, in (0, 1).
    ///   - seed: bootstrap seed.
    ///   - resamples: bootstrap resamples, at least 1.
    /// - Throws: ``AnalysisError`` when a side has fewer than 2 values, a value is
    ///   not positive and finite, or a parameter is out of range.
    public static func compare(baseline: [Double], current: [Double],
                               tau: Double = 0.05, alpha: Double = 0.05,
                               seed: UInt64 = defaultSeed,
                               resamples: Int = Bootstrap.defaultResamples) throws
        -> ScalarComparison {
        try validate(baseline: baseline, current: current, tau: tau, alpha: alpha)
        guard resamples >= 1 else {
            throw AnalysisError.invalidParameter(name: "resamples", value: Double(resamples),
                                                 expected: "at least 1")
        }
        let logBaseline = baseline.map { log($0) }
        let logCurrent = current.map { log($0) }
        // Both samples are non-empty and finite (checked above), so none of these is nil.
        let shift = HodgesLehmann.shift(baseline: logBaseline, current: logCurrent)!
        let interval = Bootstrap.shiftInterval(baseline: logBaseline, current: logCurrent,
                                               resamples: resamples, seed: seed)!
        let test = MannWhitney.test(baseline, current)!
        var comparison = ScalarComparison(
            ratio: exp(shift), ciLower: exp(interval.lower), ciUpper: exp(interval.upper),
            pValue: test.pValue, testMethod: test.method, verdict: .pass,
            tau: tau, alpha: alpha, nBaseline: baseline.count, nCurrent: current.count)
        comparison.verdict = comparison.decide()
        return comparison
    }

    /// What both comparisons need: at least 2 positive, finite values a
    /// side, τ ≥ 0 and α in (0, 1).
    static func validate(baseline: [Double], current: [Double], tau: Double, alpha: Double) throws {
        guard baseline.count >= 2 else {
            throw AnalysisError.tooFewValues(sample: "baseline", needed: 2, got: baseline.count)
        }
        guard current.count >= 2 else {
            throw AnalysisError.tooFewValues(sample: "current", needed: 2, got: current.count)
        }
        try AnalysisError.requirePositive(baseline, sample: "baseline")
        try AnalysisError.requirePositive(current, sample: "current")
        guard tau >= 0 && tau.isFinite else {
            throw AnalysisError.invalidParameter(name: "tau", value: tau,
                                                 expected: "a non-negative fraction such as 0.05")
        }
        guard alpha > 0 && alpha < 1 else {
            throw AnalysisError.invalidParameter(name: "alpha", value: alpha,
                                                 expected: "a level between 0 and 1, such as 0.05")
        }
    }

    /// The two-gate rule documented on ``compare(baseline:current:tau:alpha:seed:resamples:)``.
    func decide() -> Verdict {
        let limit = 1 + tau
        let significant = pValue < alpha
        if significant && ciLower > limit { return .regressed }
        if significant && ciUpper < 1 / limit { return .improved }
        if ciLower <= limit && limit < ciUpper { return .inconclusive }
        // the whole interval is past the threshold but the test cannot confirm
        // it (too few runs): not a pass
        if ciLower > limit { return .inconclusive }
        return .pass
    }
}
