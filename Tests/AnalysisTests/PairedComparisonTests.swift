import Foundation
import Model
import Testing
@testable import Analysis

/// Paired comparisons (`--base`): the two gates on per-pair log ratios, the
/// paired t-test of function shares, and the sequential plan's α.
@Suite struct PairedComparisonTests {
    /// A drift that moves both sides of every pair alike cancels in the
    /// ratios: 2% slower in each pair is found although the runs spread ±20%.
    @Test func pairsCancelWhatDriftsBetweenThem() throws {
        let drift = (0..<12).map { 1 + 0.2 * sin(Double($0)) }
        let base = drift.map { 0.5 * $0 }
        let change = drift.enumerated().map { 0.5 * $1 * (1.02 + 0.001 * cos(Double($0) * 3)) }
        let paired = try ScalarComparison.comparePaired(baseline: base, current: change, tau: 0.01)
        #expect(paired.paired == true)
        #expect(abs(paired.ratio - 1.02) < 0.002)
        #expect(paired.ciLower > 1.01 && paired.verdict == .regressed, "\(paired)")
        // the same runs unpaired cannot tell
        let unpaired = try ScalarComparison.compare(baseline: base, current: change, tau: 0.01)
        #expect(unpaired.verdict == .inconclusive)
        #expect(paired.halfWidth < 0.002 && abs(paired.smallestDetectable - (1.01 * (1 + paired.halfWidth) - 1)) < 1e-12)
    }

    @Test func noChangeIsNotARegression() throws {
        let base = (0..<10).map { 1 + 0.01 * sin(Double($0) * 2.1) }
        let change = (0..<10).map { 1 + 0.01 * sin(Double($0) * 2.1 + 0.4) }
        let c = try ScalarComparison.comparePaired(baseline: base, current: change, tau: 0.05)
        #expect(c.verdict == .pass)
        #expect(c.ciLower < 1 && c.ciUpper > 1)
    }

    @Test func unevenSidesAreAnError() {
        #expect(throws: AnalysisError.self) { try ScalarComparison.comparePaired(baseline: [1, 2, 3], current: [1, 2]) }
        #expect(throws: AnalysisError.self) { try ScalarComparison.comparePaired(baseline: [1], current: [1]) }
    }

    /// Expected values: `python3 Tests/reference/signed_rank.py` (SciPy `ttest_1samp`).
    @Test func pairedTMatchesSciPy() throws {
        let r = try #require(PairedT.test([0.8, 1.2, -0.3, 0.9, 1.5, 0.4, 1.1, 0.7]))
        #expect(isClose(r.t, 4.039078050416656, relative: 1e-12))
        #expect(isClose(r.pValue, 0.004938633903516155, relative: 1e-9))
        #expect(r.degreesOfFreedom == 7)
        #expect(PairedT.test([1, 1, 1])?.pValue == 0)
        #expect(PairedT.test([0, 0])?.pValue == 1)
    }

    @Test func spendingAddsUpToAlpha() {
        let plan = SequentialPlan(first: 10, maximum: 20, batch: 5)
        #expect(plan.looks == [10, 15, 20])
        let levels = AlphaSpending.levels(looks: plan.looks, maximum: plan.maximum)
        #expect(isClose(levels[0], 0.031005725347913876, relative: 1e-12))
        #expect(isClose(levels.reduce(0, +), 0.05, relative: 1e-12))
        #expect(levels.allSatisfy { $0 > 0 })
        #expect(AlphaSpending.levels(looks: [10], maximum: 10) == [0.05])
        #expect(SequentialPlan(first: 10, maximum: 10, batch: 5).looks == [10])
        #expect(PairedGate.level(pairs: 15, plan: plan).look == 1)
        #expect(PairedGate.level(pairs: 3, plan: plan).look == 0)
    }

    /// The plan's point: taking up to three looks at A/A data keeps the
    /// false-alarm rate at most α, where testing at α at each look does not.
    /// 4000 seeded A/A experiments of 20 pairs with τ = 0 (the p gate alone
    /// decides).
    @Test func threeLooksKeepTheFalseAlarmRate() throws {
        var generator = SeededGenerator(seed: 42)
        let plan = SequentialPlan(first: 10, maximum: 20, batch: 5)
        let levels = AlphaSpending.levels(looks: plan.looks, maximum: plan.maximum)
        var spent = 0, naive = 0
        let trials = 4000
        for _ in 0..<trials {
            let base = (0..<20).map { _ in exp(0.02 * gaussian(&generator)) }
            let change = (0..<20).map { _ in exp(0.02 * gaussian(&generator)) }
            var alarmed = false, naiveAlarm = false
            for (k, n) in plan.looks.enumerated() {
                let p = SignedRank.test(zip(base.prefix(n), change.prefix(n)).map { log($1) - log($0) })!.pValue
                if p < levels[k] { alarmed = true }
                if p < 0.05 { naiveAlarm = true }
            }
            spent += alarmed ? 1 : 0
            naive += naiveAlarm ? 1 : 0
        }
        let rate = Double(spent) / Double(trials), naiveRate = Double(naive) / Double(trials)
        // binomial sd at 5% over 4000 trials: 0.34%
        #expect(rate <= 0.05 + 0.007, "spent: \(rate)")
        #expect(naiveRate > 0.065, "testing at α every look: \(naiveRate)")
    }
}

/// A standard normal draw (Box–Muller).
private func gaussian(_ g: inout SeededGenerator) -> Double {
    let u = Double.random(in: Double.ulpOfOne..<1, using: &g), v = Double.random(in: 0..<1, using: &g)
    return (-2 * log(u)).squareRoot() * cos(2 * Double.pi * v)
}
