import Foundation
import Testing
@testable import Analysis

/// Expected values come from `Tests/reference/cmp.py` (the Python port in
/// `ref.py` plus SciPy): run the one-liner beside each expectation from
/// `Tests/reference`.
@Suite struct ScalarComparisonTests {
    // Wall times in ms, about 1% noise, n = 10 per side.
    let baseline = [100.03, 101.37, 101.23, 99.49, 99.7, 99.47, 100.57, 99.94, 100.75, 98.17]

    /// Checks ratio, interval and p-value against the reference to 1e-10.
    func expectMatches(_ result: ScalarComparison, ratio: Double, lower: Double, upper: Double,
                       p: Double, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(isClose(result.ratio, ratio, relative: 1e-10), sourceLocation: sourceLocation)
        #expect(isClose(result.ciLower, lower, relative: 1e-10), sourceLocation: sourceLocation)
        #expect(isClose(result.ciUpper, upper, relative: 1e-10), sourceLocation: sourceLocation)
        #expect(isClose(result.pValue, p, relative: 1e-10), sourceLocation: sourceLocation)
    }

    @Test func sameDistributionPasses() throws {
        let current = [101.58, 99.9, 100.68, 99.86, 99.62, 100.46, 100.83, 99.8, 99.85, 100.69]
        // python3 -c "from cmp import cmp; print(cmp([100.03,101.37,101.23,99.49,99.7,99.47,100.57,99.94,100.75,98.17],[101.58,99.9,100.68,99.86,99.62,100.46,100.83,99.8,99.85,100.69]))"
        let result = try ScalarComparison.compare(baseline: baseline, current: current)
        expectMatches(result, ratio: 1.0015564022314243, lower: 0.9945668280154101,
                      upper: 1.0098294884653962, p: 0.6305289138106477)
        #expect(result.testMethod == .exact)
        #expect(result.verdict == .pass)
        #expect(result.nBaseline == 10 && result.nCurrent == 10)
    }

    @Test func identicalValuesInAnotherOrderPassWithRatioOne() throws {
        // python3 -c "from cmp import cmp; b=[100.03,101.37,101.23,99.49,99.7,99.47,100.57,99.94,100.75,98.17]; print(cmp(b,b[::-1]))"
        let result = try ScalarComparison.compare(baseline: baseline, current: baseline.reversed())
        expectMatches(result, ratio: 1, lower: 0.9919602977667487, upper: 1.0087261785356068, p: 1)
        #expect(result.testMethod == .asymptotic)  // every value is tied across the sides
        #expect(result.verdict == .pass)
    }

    @Test func tenPercentSlowerWithLowNoiseRegresses() throws {
        let current = [109.05, 108.35, 110.44, 109.26, 107.91, 109.11, 109.49, 108.7, 108.37, 110.04]
        // python3 -c "from cmp import cmp; print(cmp([100.03,101.37,101.23,99.49,99.7,99.47,100.57,99.94,100.75,98.17],[109.05,108.35,110.44,109.26,107.91,109.11,109.49,108.7,108.37,110.04]))"
        let result = try ScalarComparison.compare(baseline: baseline, current: current)
        expectMatches(result, ratio: 1.0893736709096018, lower: 1.0812085102131,
                      upper: 1.098140598588049, p: 1.082508822446903e-05)
        #expect(abs(result.ratio - 1.10) < 0.02)
        #expect(result.verdict == .regressed)
    }

    @Test func tenPercentFasterWithLowNoiseImproves() throws {
        let current = [90.81, 89.79, 89.33, 90.35, 90.65, 89.73, 90.49, 90.94, 89.81, 89.27]
        // python3 -c "from cmp import cmp; print(cmp([100.03,101.37,101.23,99.49,99.7,99.47,100.57,99.94,100.75,98.17],[90.81,89.79,89.33,90.35,90.65,89.73,90.49,90.94,89.81,89.27]))"
        let result = try ScalarComparison.compare(baseline: baseline, current: current)
        expectMatches(result, ratio: 0.899761582253403, lower: 0.8938363017810687,
                      upper: 0.9081314704995473, p: 1.082508822446903e-05)
        #expect(result.verdict == .improved)
    }

    @Test func significantButSmallerThanTauPasses() throws {
        // +2%: the test is sure (p ≈ 1e-5) but the whole interval is below 1.05,
        // so the practical gate keeps it from failing the build.
        let current = [101.87, 102.14, 101.41, 101.66, 102.31, 101.95, 102.48, 101.72, 102.06, 102.27]
        // python3 -c "from cmp import cmp; print(cmp([100.03,101.37,101.23,99.49,99.7,99.47,100.57,99.94,100.75,98.17],[101.87,102.14,101.41,101.66,102.31,101.95,102.48,101.72,102.06,102.27]))"
        let result = try ScalarComparison.compare(baseline: baseline, current: current)
        expectMatches(result, ratio: 1.0193050044308087, lower: 1.0110333018232127,
                      upper: 1.0247261031259423, p: 1.082508822446903e-05)
        #expect(result.verdict == .pass)
    }

    @Test func shiftNearTauWithHighNoiseIsInconclusive() throws {
        // About 8% noise and a true shift of 5%: significant (p ≈ 0.009), but the
        // interval [1.037, 1.182] holds 1.05, so a regression beyond τ is neither
        // shown nor ruled out. The rule says inconclusive, not regressed or pass.
        let noisyBaseline = [102.82, 102.0, 109.19, 90.23, 94.84, 93.51, 87.05, 101.02, 104.31, 94.26]
        let noisyCurrent = [117.31, 112.14, 110.4, 108.43, 113.34, 94.39, 110.29, 110.19, 91.15, 107.96]
        // python3 -c "from cmp import cmp; print(cmp([102.82,102.0,109.19,90.23,94.84,93.51,87.05,101.02,104.31,94.26],[117.31,112.14,110.4,108.43,113.34,94.39,110.29,110.19,91.15,107.96]))"
        let result = try ScalarComparison.compare(baseline: noisyBaseline, current: noisyCurrent)
        expectMatches(result, ratio: 1.0923083180854223, lower: 1.0372241614596902,
                      upper: 1.1824124841838888, p: 0.00893069778518695)
        #expect(result.verdict == .inconclusive)
    }

    @Test func noisyBaselineAgainstQuietCurrentIsInconclusive() throws {
        // Not significant (p ≈ 0.91) and the interval [0.97, 1.08] reaches past
        // 1.05: noisy data cannot vouch for "no regression" either.
        let noisyBaseline = [102.82, 102.0, 109.19, 90.23, 94.84, 93.51, 87.05, 101.02, 104.31, 94.26]
        // python3 -c "from cmp import cmp; print(cmp([102.82,102.0,109.19,90.23,94.84,93.51,87.05,101.02,104.31,94.26],[100.03,101.37,101.23,99.49,99.7,99.47,100.57,99.94,100.75,98.17]))"
        let result = try ScalarComparison.compare(baseline: noisyBaseline, current: baseline)
        expectMatches(result, ratio: 1.0191653830471694, lower: 0.9711434743975623,
                      upper: 1.0816952493400835, p: 0.9117971811470265)
        #expect(result.verdict == .inconclusive)
    }

    @Test func threeRunsPerSideCannotProveARegression() throws {
        // 30% slower on every run, but with 3 runs per side the smallest possible
        // two-sided p is 2/C(6,3) = 0.1 ≥ α while the interval lies wholly above
        // 1 + τ: not provable, yet not a pass either, so inconclusive. This is
        // why scenarios default to 10 repetitions.
        // python3 -c "from cmp import cmp; print(cmp([100.0,101.0,99.0],[130.0,131.0,129.0]))"
        let result = try ScalarComparison.compare(baseline: [100, 101, 99], current: [130, 131, 129])
        expectMatches(result, ratio: 1.3, lower: 1.2871287128712865, upper: 1.313131313131313, p: 0.1)
        #expect(result.verdict == .inconclusive)
    }

    @Test func zeroTauFlagsAnyProvenGrowth() throws {
        // An exact metric (allocation count): constant 100 before, 101 after.
        // python3 -c "from cmp import cmp; print(cmp([100.0]*10,[101.0]*10))"
        let result = try ScalarComparison.compare(baseline: Array(repeating: 100, count: 10),
                                                  current: Array(repeating: 101, count: 10),
                                                  tau: 0)
        expectMatches(result, ratio: 1.01, lower: 1.01, upper: 1.01, p: 1.5937911688066244e-05)
        #expect(result.verdict == .regressed)
    }

    @Test func constantEqualSamplesPass() throws {
        let result = try ScalarComparison.compare(baseline: [5, 5, 5], current: [5, 5])
        #expect(result.ratio == 1 && result.ciLower == 1 && result.ciUpper == 1)
        #expect(result.pValue == 1)
        #expect(result.verdict == .pass)
    }

    @Test func swappingSidesInvertsTheRatio() throws {
        // On the log scale the shift only changes sign: 2× slower mirrors 2× faster.
        let current = [109.05, 108.35, 110.44, 109.26, 107.91, 109.11, 109.49, 108.7, 108.37, 110.04]
        let forward = try ScalarComparison.compare(baseline: baseline, current: current)
        let backward = try ScalarComparison.compare(baseline: current, current: baseline)
        #expect(isClose(forward.ratio * backward.ratio, 1))
        #expect(backward.verdict == .improved)
    }

    @Test func sameSeedSameResultAndDefaultSeedIsFixed() throws {
        let current = [101.58, 99.9, 100.68, 99.86, 99.62, 100.46, 100.83, 99.8, 99.85, 100.69]
        let byDefault = try ScalarComparison.compare(baseline: baseline, current: current)
        let explicit = try ScalarComparison.compare(baseline: baseline, current: current, seed: 0x5EED)
        let other = try ScalarComparison.compare(baseline: baseline, current: current, seed: 9)
        #expect(byDefault == explicit)
        #expect(byDefault.ciLower != other.ciLower || byDefault.ciUpper != other.ciUpper)
        #expect(byDefault.ratio == other.ratio && byDefault.pValue == other.pValue)
    }

    @Test func tooFewValuesAreRejected() {
        #expect(throws: AnalysisError.tooFewValues(sample: "baseline", needed: 2, got: 1)) {
            try ScalarComparison.compare(baseline: [1], current: [1, 2])
        }
        #expect(throws: AnalysisError.tooFewValues(sample: "current", needed: 2, got: 0)) {
            try ScalarComparison.compare(baseline: [1, 2], current: [])
        }
        #expect(AnalysisError.tooFewValues(sample: "baseline", needed: 2, got: 1).description
                == "baseline: expected at least 2 values, got 1")
    }

    @Test func nonPositiveOrNonFiniteValuesAreRejected() {
        #expect(throws: AnalysisError.notPositive(sample: "current", index: 2, value: -1)) {
            try ScalarComparison.compare(baseline: [1, 2], current: [1, 2, -1])
        }
        #expect(throws: AnalysisError.notPositive(sample: "baseline", index: 0, value: 0)) {
            try ScalarComparison.compare(baseline: [0, 2], current: [1, 2])
        }
        #expect(throws: AnalysisError.notPositive(sample: "baseline", index: 1, value: .infinity)) {
            try ScalarComparison.compare(baseline: [1, .infinity], current: [1, 2])
        }
        #expect(throws: AnalysisError.self) {
            try ScalarComparison.compare(baseline: [1, .nan], current: [1, 2])
        }
    }

    @Test func outOfRangeParametersAreRejected() {
        #expect(throws: AnalysisError.invalidParameter(
            name: "tau", value: -0.05, expected: "a non-negative fraction such as 0.05")) {
            try ScalarComparison.compare(baseline: [1, 2], current: [1, 2], tau: -0.05)
        }
        #expect(throws: AnalysisError.self) {
            try ScalarComparison.compare(baseline: [1, 2], current: [1, 2], alpha: 1)
        }
        #expect(throws: AnalysisError.self) {
            try ScalarComparison.compare(baseline: [1, 2], current: [1, 2], resamples: 0)
        }
        #expect(AnalysisError.invalidParameter(name: "tau", value: -0.05,
                                               expected: "a non-negative fraction such as 0.05")
                .description == "tau is -0.05: expected a non-negative fraction such as 0.05")
    }

    @Test func resultRoundTripsThroughJSONWithStableVerdictNames() throws {
        let result = try ScalarComparison.compare(baseline: baseline,
                                                  current: baseline.map { $0 * 1.2 })
        let data = try JSONEncoder().encode(result)
        #expect(try JSONDecoder().decode(ScalarComparison.self, from: data) == result)
        let json = String(decoding: data, as: UTF8.self)
        #expect(json.contains(#""verdict":"regressed""#))
        #expect(Verdict.allCases.map(\.rawValue) == ["pass", "regressed", "improved", "inconclusive"])
    }
}
