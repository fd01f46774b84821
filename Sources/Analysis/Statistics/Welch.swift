/// Welch's unequal-variances t-test (Welch 1947, "The generalization of
/// 'Student's' problem when several different population variances are
/// involved", Biometrika 34(1–2)), two-sided, matching
/// `scipy.stats.ttest_ind(first, second, equal_var=False)`.
///
/// Used on per-run function shares, whose spread differs between baseline and
/// current when a change makes a function's cost more or less variable, which
/// Student's pooled-variance test would wrongly assume away.
public enum Welch {
    /// The statistic, its Welch–Satterthwaite degrees of freedom and the p-value.
    public struct Result: Codable, Sendable, Equatable {
        /// (mean₁ − mean₂) / √(s₁²/n₁ + s₂²/n₂): positive when `first` is larger.
        public var t: Double
        /// (s₁²/n₁ + s₂²/n₂)² / ((s₁²/n₁)²/(n₁−1) + (s₂²/n₂)²/(n₂−1))
        /// (Satterthwaite 1946, Biometrics Bulletin 2(6)).
        public var degreesOfFreedom: Double
        public var pValue: Double

        public init(t: Double, degreesOfFreedom: Double, pValue: Double) {
            self.t = t
            self.degreesOfFreedom = degreesOfFreedom
            self.pValue = pValue
        }
    }

    /// Tests whether `first` and `second` have equal means; `nil` when either has
    /// fewer than two values (no variance estimate, so no test) or holds a value
    /// that is not finite.
    ///
    /// When both samples have zero variance the test statistic is undefined and
    /// the difference is deterministic: equal means give t = 0 and p = 1,
    /// different means give t = ±∞ and p = 0 (as SciPy does; SciPy reports NaN
    /// for equal means). The degrees of freedom, 0/0 by the formula, are then
    /// reported as 1, as SciPy does, so the result stays encodable as JSON.
    public static func test(_ first: [Double], _ second: [Double]) -> Result? {
        guard first.allSatisfy(\.isFinite), second.allSatisfy(\.isFinite),
              let mean1 = Descriptive.mean(first), let variance1 = Descriptive.variance(first),
              let mean2 = Descriptive.mean(second), let variance2 = Descriptive.variance(second)
        else { return nil }
        let n1 = Double(first.count)
        let n2 = Double(second.count)
        let share1 = variance1 / n1
        let share2 = variance2 / n2
        let difference = mean1 - mean2
        guard share1 + share2 > 0 else {
            if difference == 0 { return Result(t: 0, degreesOfFreedom: 1, pValue: 1) }
            let t: Double = difference > 0 ? .infinity : -.infinity
            return Result(t: t, degreesOfFreedom: 1, pValue: 0)
        }
        let t = difference / (share1 + share2).squareRoot()
        let df = (share1 + share2) * (share1 + share2)
            / (share1 * share1 / (n1 - 1) + share2 * share2 / (n2 - 1))
        return Result(t: t, degreesOfFreedom: df,
                      pValue: Distributions.studentTTwoSidedP(t, degreesOfFreedom: df))
    }
}
