/// The two-sided Mann–Whitney U test (Mann & Whitney 1947, "On a test of whether
/// one of two random variables is stochastically larger than the other", Ann.
/// Math. Statist. 18(1)), with SciPy's `mannwhitneyu` conventions.
///
/// Why a rank test: run times on shared CI machines are skewed and have
/// outliers, so a test on ranks keeps its false-alarm rate where a t-test on the
/// raw times would not. Ranks are unchanged by any increasing transform, so the
/// result is the same on raw and on log values.
public enum MannWhitney {
    /// How the p-value was obtained.
    public enum Method: String, Codable, Sendable {
        /// From the exact null distribution of U (no ties, both samples small).
        case exact
        /// From the normal approximation with tie and continuity corrections.
        case asymptotic
    }

    /// The U statistic of the first sample and the two-sided p-value.
    public struct Result: Codable, Sendable, Equatable {
        /// U₁ = R₁ − n₁(n₁+1)/2, where R₁ is the rank sum of the first sample:
        /// the number of pairs in which the first sample's value is larger (ties
        /// count one half). SciPy reports the same statistic.
        public var u: Double
        public var pValue: Double
        public var method: Method

        public init(u: Double, pValue: Double, method: Method) {
            self.u = u
            self.pValue = pValue
            self.method = method
        }
    }

    /// The exact distribution is used when there are no ties and both samples
    /// have at most this many values; its table has n₁·n₂ + 1 ≤ 2501 entries.
    public static let exactLimit = 50

    /// Tests whether `first` and `second` come from the same distribution against
    /// the alternative that one is stochastically larger; `nil` when either
    /// sample is empty or holds NaN (which has no rank).
    ///
    /// Exact when no value occurs twice in the combined sample and both sizes are
    /// at most ``exactLimit`` (`method='exact'` in SciPy); otherwise the normal
    /// approximation with tie correction and continuity correction
    /// (`method='asymptotic', use_continuity=True`). When every value is equal
    /// there is no evidence of a difference and the p-value is 1.
    public static func test(_ first: [Double], _ second: [Double]) -> Result? {
        guard !first.isEmpty, !second.isEmpty,
              !first.contains(where: \.isNaN), !second.contains(where: \.isNaN) else { return nil }
        let ranking = Ranking(first + second)
        let n1 = Double(first.count)
        let n2 = Double(second.count)
        let rankSum = ranking.ranks[0..<first.count].reduce(0, +)
        let u1 = rankSum - n1 * (n1 + 1) / 2
        let larger = max(u1, n1 * n2 - u1)
        if !ranking.hasTies && max(first.count, second.count) <= exactLimit {
            let tail = exactUpperTail(Int(larger), first.count, second.count)
            return Result(u: u1, pValue: min(1, 2 * tail), method: .exact)
        }
        let n = n1 + n2
        let variance = n1 * n2 / 12 * ((n + 1) - ranking.tieTerm / (n * (n - 1)))
        guard variance > 0 else { return Result(u: u1, pValue: 1, method: .asymptotic) }
        let z = (larger - n1 * n2 / 2 - 0.5) / variance.squareRoot()
        return Result(u: u1, pValue: min(1, 2 * Distributions.normalSurvival(z)),
                      method: .asymptotic)
    }

    /// P(U ≥ u) under the null hypothesis for samples of sizes m and n without ties.
    ///
    /// The number of arrangements with U = k is the coefficient of qᵏ in the
    /// Gaussian binomial coefficient [m+n choose m]_q = ∏ᵢ₌₁..ₘ (1 − q^(n+i)) / (1 − qⁱ)
    /// (Di Bucchianico 1999, "Combinatorics, computer algebra and the
    /// Wilcoxon–Mann–Whitney test", J. Statist. Plann. Inference 79(2)), built one
    /// factor at a time. By symmetry P(U ≥ u) = P(U ≤ mn − u); summing the small
    /// low-order coefficients keeps a tiny tail's relative precision, where
    /// 1 − P(U < u) would round it away.
    static func exactUpperTail(_ u: Int, _ m: Int, _ n: Int) -> Double {
        let maximum = m * n
        var counts = [Double](repeating: 0, count: maximum + 1)
        counts[0] = 1
        for i in 1...m {
            // Multiply by (1 − q^(n+i)), from the top so each term reads old values.
            if n + i <= maximum {
                for k in stride(from: maximum, through: n + i, by: -1) {
                    counts[k] -= counts[k - n - i]
                }
            }
            // Divide by (1 − qⁱ): a running sum with stride i (i ≤ m ≤ mn).
            for k in i...maximum {
                counts[k] += counts[k - i]
            }
        }
        let total = counts.reduce(0, +)
        let lowTail = counts[0...(maximum - u)].reduce(0, +)
        return lowTail / total
    }
}

/// Average ranks (1-based) of a combined sample, with the tie statistics the
/// normal approximation needs.
struct Ranking {
    var ranks: [Double]
    /// Σ (t³ − t) over groups of t equal values.
    var tieTerm: Double = 0
    var hasTies = false

    init(_ values: [Double]) {
        ranks = [Double](repeating: 0, count: values.count)
        let order = values.indices.sorted { values[$0] < values[$1] }
        var start = 0
        while start < order.count {
            var end = start + 1
            while end < order.count && values[order[end]] == values[order[start]] {
                end += 1
            }
            let averageRank = Double(start + end + 1) / 2
            for position in start..<end {
                ranks[order[position]] = averageRank
            }
            let t = Double(end - start)
            if end - start > 1 {
                hasTies = true
                tieTerm += t * t * t - t
            }
            start = end
        }
    }
}
