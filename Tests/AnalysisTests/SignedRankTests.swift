import Foundation
import Testing
@testable import Analysis

/// Expected values from SciPy: `python3 Tests/reference/signed_rank.py`.
@Suite struct SignedRankTests {
    static let exactTen = [0.031, -0.012, 0.044, 0.027, 0.008, 0.052, 0.019, -0.004, 0.036, 0.023]

    func smaller(_ r: SignedRank.Result) -> Double { min(r.wPlus, Double(r.n * (r.n + 1)) / 2 - r.wPlus) }

    @Test func exactTestMatchesSciPy() throws {
        let r = try #require(SignedRank.test(Self.exactTen))
        #expect(r.method == .exact && r.n == 10)
        #expect(smaller(r) == 4 && r.wPlus == 51)
        #expect(isClose(r.pValue, 0.013671875))
        let eight = try #require(SignedRank.test((1...8).map { 0.1 * Double($0) - 0.35 }))
        #expect(eight.method == .exact && smaller(eight) == 9)
        #expect(isClose(eight.pValue, 0.25))
    }

    @Test func tiesAndZerosUseTheNormalApproximationLikeSciPy() throws {
        let d = [0.01, 0.01, -0.02, 0.03, 0.05, 0.0, 0.04, 0.02, -0.01, 0.03, 0.06, 0.02]
        let r = try #require(SignedRank.test(d))
        #expect(r.method == .asymptotic && r.n == 11)
        #expect(smaller(r) == 7)
        #expect(isClose(r.pValue, 0.020231306339527272, relative: 1e-9))
        let sixty: [Double] = (0..<60).map { (i: Int) -> Double in Double(i % 7 - 3) * 0.01 + 0.001 * Double(i) }
        let s = try #require(SignedRank.test(sixty))
        #expect(s.method == MannWhitney.Method.asymptotic && smaller(s) == 125.5)
        #expect(isClose(s.pValue, 6.172890217924006e-09, relative: 1e-6))
    }

    @Test func noChangeAtAllIsPOne() throws {
        #expect(try #require(SignedRank.test([0, 0, 0])).pValue == 1)
        #expect(SignedRank.test([1, .nan]) == nil)
    }

    @Test func fewestPairsThatCanBeSignificant() {
        // all of n differences positive: p = 2/2ⁿ, below 0.05 from n = 6 on
        #expect(isClose(SignedRank.test([1, 2, 3, 4, 5])!.pValue, 0.0625))
        #expect(isClose(SignedRank.test([1, 2, 3, 4, 5, 6])!.pValue, 0.03125))
    }

    @Test func estimateIsTheMedianOfWalshAverages() {
        // Walsh averages of 1, 2, 10: 1, 1.5, 2, 5.5, 6, 10
        #expect(SignedRank.estimate([1, 2, 10]) == 3.75)
        #expect(SignedRank.estimate([]) == nil)
    }

    /// The interval is the set of shifts the test does not reject: just inside
    /// either end p ≥ α, just outside p ≤ α (exactly, for the exact test; the
    /// normal approximation's integer cut-off lands within a rank of it).
    @Test(arguments: [false, true]) func intervalInvertsTheTest(large: Bool) throws {
        let d: [Double] = large ? (0..<60).map { (i: Int) -> Double in sin(Double(i) * 1.7) * 0.01 + 0.002 } : Self.exactTen
        let (lower, upper) = try #require(SignedRank.interval(d, alpha: 0.05))
        #expect(lower < upper)
        let eps = 1e-12
        func p(_ theta: Double) -> Double { SignedRank.test(d.map { $0 - theta })!.pValue }
        #expect(p(lower + eps) >= 0.05 && p(upper - eps) >= 0.05, "\(p(lower + eps)) \(p(upper - eps))")
        let outside = large ? 0.055 : 0.05
        #expect(p(lower - eps) <= outside && p(upper + eps) <= outside, "\(p(lower - eps)) \(p(upper + eps))")
        let estimate = try #require(SignedRank.estimate(d))
        #expect(lower <= estimate && estimate <= upper)
    }

    @Test func smallSamplesAtTheTextbookLevels() {
        // n = 6: no k > 1 reaches 95%, the interval is [W(1), W(21)], coverage 1 − 2/64
        #expect(SignedRank.criticalRank(6, alpha: 0.05) == 1)
        // n = 10: P(W⁺ ≤ 8) = 0.0244 ≤ 0.025 < P(W⁺ ≤ 9): k = 9 (Hollander & Wolfe, Table A.6: t = 47)
        #expect(SignedRank.criticalRank(10, alpha: 0.05) == 9)
        #expect(SignedRank.criticalRank(3, alpha: 0.05) == 0)
    }
}
