#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

extension ScalarComparison {
    /// Compares runs made in pairs — `baseline[i]` and `current[i]` measured
    /// one right after the other on the same machine (`flamegate run --base`)
    /// — with the same two gates as ``compare(baseline:current:tau:alpha:seed:resamples:)``,
    /// on the log ratio of each pair:
    /// - the ratio is exp of the one-sample Hodges–Lehmann estimate of the
    ///   log ratios (``SignedRank/estimate(_:)``);
    /// - its interval is the signed-rank confidence interval at level 1 − α
    ///   (``SignedRank/interval(_:alpha:)``), exact and free of resampling;
    /// - the p-value is the two-sided Wilcoxon signed-rank test.
    /// A sequential plan passes the α of the look it is at (see ``AlphaSpending``),
    /// which narrows the test and widens the interval together.
    ///
    /// - Throws: ``AnalysisError`` when there are fewer than 2 pairs, the sides
    ///   differ in length, a value is not positive and finite, or τ or α is out
    ///   of range.
    public static func comparePaired(baseline: [Double], current: [Double], tau: Double = 0.05,
                                     alpha: Double = 0.05) throws -> ScalarComparison {
        guard baseline.count == current.count else {
            throw AnalysisError.invalidParameter(name: "pairs", value: Double(current.count),
                                                 expected: "as many current values as baseline values (\(baseline.count))")
        }
        try validate(baseline: baseline, current: current, tau: tau, alpha: alpha)
        let logRatios = zip(baseline, current).map { log($0.1) - log($0.0) }
        // all finite and non-empty (checked above)
        let shift = SignedRank.estimate(logRatios)!
        let interval = SignedRank.interval(logRatios, alpha: alpha)!
        let test = SignedRank.test(logRatios)!
        var comparison = ScalarComparison(
            ratio: exp(shift), ciLower: exp(interval.lower), ciUpper: exp(interval.upper), pValue: test.pValue,
            testMethod: test.method, verdict: .pass, tau: tau, alpha: alpha, nBaseline: baseline.count,
            nCurrent: current.count)
        comparison.paired = true
        comparison.verdict = comparison.decide()
        return comparison
    }

    /// Half the width of the interval relative to the ratio: ±0.8% reads 0.008.
    public var halfWidth: Double { ratio > 0 ? (ciUpper - ciLower) / 2 / ratio : .infinity }

    /// The smallest rise this comparison could have called a regression: the
    /// interval's lower end must clear 1 + τ, so a true ratio of about
    /// (1 + τ)·(1 + half-width) is the least that would be flagged (half the
    /// time, at that size) with the noise these runs had.
    public var smallestDetectable: Double { (1 + tau) * (1 + halfWidth) - 1 }
}

/// The paired t-test on differences (Student 1908): for per-pair function
/// shares, where the differences are roughly normal (shares of hundreds of
/// samples) and a mean is what Benjamini-Hochberg's family compares.
public enum PairedT {
    /// t = mean(d) / (sd(d)/√n) with n − 1 degrees of freedom and its two-sided
    /// p-value; `nil` for fewer than 2 differences or a value not finite. No
    /// variance at all: p = 1 for a zero mean, else 0 (as ``Welch`` does).
    public static func test(_ differences: [Double]) -> Welch.Result? {
        guard differences.count >= 2, differences.allSatisfy(\.isFinite),
              let mean = Descriptive.mean(differences), let variance = Descriptive.variance(differences) else { return nil }
        let df = Double(differences.count - 1)
        guard variance > 0 else {
            return Welch.Result(t: mean == 0 ? 0 : (mean > 0 ? .infinity : -.infinity), degreesOfFreedom: df,
                                pValue: mean == 0 ? 1 : 0)
        }
        let t = mean / (variance / Double(differences.count)).squareRoot()
        return Welch.Result(t: t, degreesOfFreedom: df, pValue: Distributions.studentTTwoSidedP(t, degreesOfFreedom: df))
    }
}

/// How a sequential plan spends its false-alarm budget α over the looks at
/// the data (Lan & DeMets 1983, "Discrete sequential boundaries for clinical
/// trials", Biometrika 70(3)), with the Pocock-type spending function
/// α(t) = α·ln(1 + (e − 1)·t) of the information fraction t = pairs so far /
/// most pairs. Look k tests at the level it adds, α(tₖ) − α(tₖ₋₁); by
/// Bonferroni's inequality the chance of a false alarm at any look is at most
/// the sum, α, whatever the correlation between looks — so adding pairs to an
/// inconclusive scenario until it decides does not raise the false-alarm rate
/// (testing again at α each time would: five looks at 5% give about 14%).
/// Pocock's shape spends early enough that a first look of 10 pairs can still
/// decide (O'Brien-Fleming's would leave it 0.07%, below the smallest p
/// 10 pairs can reach).
public enum AlphaSpending {
    public static func spent(_ fraction: Double, alpha: Double) -> Double {
        alpha * log(1 + (exp(1) - 1) * min(max(fraction, 0), 1))
    }

    /// The level of each look, for looks after `looks[k]` pairs of at most
    /// `maximum`; one look of all pairs gets α itself.
    public static func levels(looks: [Int], maximum: Int, alpha: Double = 0.05) -> [Double] {
        var previous = 0.0
        return looks.map { n in
            let now = n >= maximum ? alpha : spent(Double(n) / Double(maximum), alpha: alpha)
            defer { previous = now }
            return now - previous
        }
    }
}
