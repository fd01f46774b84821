#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// The Wilcoxon signed-rank test on paired differences (Wilcoxon 1945,
/// "Individual comparisons by ranking methods", Biometrics Bulletin 1(6)), with
/// SciPy's `wilcoxon` conventions, and the Hodges–Lehmann estimate and
/// confidence interval that belong with it (Hodges & Lehmann 1963; the interval
/// from Walsh averages: Hollander, Wolfe & Chicken, "Nonparametric Statistical
/// Methods", 3rd ed., §3.3).
///
/// Why paired: when the base and the change run alternately on one machine,
/// a pair's two runs share the machine's state of that moment (a neighbour's
/// load, the host clock), so the ratio within a pair cancels most of what
/// drifts between pairs. The test needs only that each difference is
/// symmetric about the true shift, not normal: one pair disturbed by a noisy
/// neighbour moves a rank, not the estimate.
public enum SignedRank {
    /// The exact distribution is used when no difference is zero, no two tie
    /// and there are at most this many (SciPy's `method='auto'` limit).
    public static let exactLimit = 50

    /// W⁺ (the sum of the ranks of |d| over the positive differences) and the
    /// two-sided p-value.
    public struct Result: Codable, Sendable, Equatable {
        public var wPlus: Double
        /// Non-zero differences ranked (zeros are dropped, SciPy's "wilcox").
        public var n: Int
        public var pValue: Double
        public var method: MannWhitney.Method

        public init(wPlus: Double, n: Int, pValue: Double, method: MannWhitney.Method) {
            self.wPlus = wPlus
            self.n = n
            self.pValue = pValue
            self.method = method
        }
    }

    /// Tests whether `differences` are symmetric about 0; `nil` when one is
    /// not finite. Zeros are dropped (`zero_method='wilcox'`); when none is
    /// left there is no evidence of a change and p = 1. Exact when no zero
    /// was dropped, no two |d| tie and n ≤ ``exactLimit``
    /// (`method='exact'`); otherwise the normal approximation with the tie
    /// correction and no continuity correction (`method='asymptotic'`).
    public static func test(_ differences: [Double]) -> Result? {
        guard differences.allSatisfy(\.isFinite) else { return nil }
        let nonZero = differences.filter { $0 != 0 }
        guard !nonZero.isEmpty else { return Result(wPlus: 0, n: 0, pValue: 1, method: .asymptotic) }
        let ranking = Ranking(nonZero.map(abs))
        let wPlus = zip(nonZero, ranking.ranks).filter { $0.0 > 0 }.map(\.1).reduce(0, +)
        let n = nonZero.count
        let total = Double(n * (n + 1)) / 2
        if !ranking.hasTies, nonZero.count == differences.count, n <= exactLimit {
            let counts = exactCounts(n)
            let all = counts.reduce(0, +)
            let smaller = Int(min(wPlus, total - wPlus))
            let tail = counts[0...smaller].reduce(0, +) / all
            return Result(wPlus: wPlus, n: n, pValue: min(1, 2 * tail), method: .exact)
        }
        let nd = Double(n)
        let variance = nd * (nd + 1) * (2 * nd + 1) / 24 - ranking.tieTerm / 48
        guard variance > 0 else { return Result(wPlus: wPlus, n: n, pValue: 1, method: .asymptotic) }
        let z = (min(wPlus, total - wPlus) - total / 2) / variance.squareRoot()
        return Result(wPlus: wPlus, n: n, pValue: min(1, 2 * Distributions.normalCDF(z)), method: .asymptotic)
    }

    /// How many of the 2ⁿ sign assignments give W⁺ = k, for k in 0…n(n+1)/2:
    /// the coefficients of ∏ᵢ₌₁..ₙ (1 + qⁱ), built one factor at a time.
    static func exactCounts(_ n: Int) -> [Double] {
        let maximum = n * (n + 1) / 2
        var counts = [Double](repeating: 0, count: maximum + 1)
        counts[0] = 1
        var reach = 0
        for i in stride(from: 1, through: n, by: 1) {
            reach += i
            for k in stride(from: reach, through: i, by: -1) { counts[k] += counts[k - i] }
        }
        return counts
    }

    /// The one-sample Hodges–Lehmann estimate: the median of the Walsh
    /// averages (dᵢ + dⱼ)/2, i ≤ j; `nil` for no or non-finite differences.
    public static func estimate(_ differences: [Double]) -> Double? {
        guard !differences.isEmpty, differences.allSatisfy(\.isFinite) else { return nil }
        var walsh = walshAverages(differences)
        return Selection.medianInPlace(&walsh, count: walsh.count)
    }

    /// The distribution-free confidence interval for the centre of symmetry
    /// at level 1 − `alpha`: [W₍ₖ₎, W₍ₘ₊₁₋ₖ₎] of the M = n(n+1)/2 sorted Walsh
    /// averages, where k − 1 is the largest value with P(W⁺ ≤ k − 1) ≤ α/2
    /// (exact for n ≤ ``exactLimit``, the normal quantile beyond). It is the
    /// set of shifts θ the signed-rank test on d − θ does not reject. Too few
    /// pairs for that level (k < 1: fewer than 6 at 95%) give the whole range
    /// of the Walsh averages, which then covers less than 1 − α.
    public static func interval(_ differences: [Double], alpha: Double = 0.05) -> (lower: Double, upper: Double)? {
        guard !differences.isEmpty, differences.allSatisfy(\.isFinite), alpha > 0, alpha < 1 else { return nil }
        let walsh = walshAverages(differences).sorted()
        let m = walsh.count
        let k = max(1, criticalRank(differences.count, alpha: alpha))
        return (walsh[k - 1], walsh[m - k])
    }

    /// k of ``interval(_:alpha:)``: the number of Walsh averages cut from each end.
    static func criticalRank(_ n: Int, alpha: Double) -> Int {
        let m = n * (n + 1) / 2
        if n <= exactLimit {
            let counts = exactCounts(n)
            let all = counts.reduce(0, +)
            var cumulative = 0.0
            var k = 0
            while k <= m {
                cumulative += counts[k]
                if cumulative / all > alpha / 2 { break }
                k += 1
            }
            return min(k, m / 2)
        }
        let nd = Double(n)
        let z = Distributions.normalQuantile(1 - alpha / 2)
        // the largest count below the cut with 2Φ((c − M/2)/σ) ≤ α, plus one
        let cut = nd * (nd + 1) / 4 - z * (nd * (nd + 1) * (2 * nd + 1) / 24).squareRoot()
        return min(max(0, Int(cut.rounded(.down)) + 1), m / 2)
    }

    static func walshAverages(_ d: [Double]) -> [Double] {
        var walsh: [Double] = []
        walsh.reserveCapacity(d.count * (d.count + 1) / 2)
        for i in d.indices { for j in i..<d.count { walsh.append((d[i] + d[j]) / 2) } }
        return walsh
    }
}
