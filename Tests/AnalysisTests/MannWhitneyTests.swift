import Testing
@testable import Analysis

@Suite struct MannWhitneyTests {
    @Test func exactTestMatchesSciPy() throws {
        let x = [1.83, 0.50, 1.62, 2.48, 1.68, 1.88, 1.55, 3.06, 1.30]
        let y = [0.878, 0.647, 0.598, 2.05, 1.06, 1.29, 1.07, 3.14, 1.28]
        // python3 -c "from scipy.stats import mannwhitneyu as m; print(m([1.83,0.50,1.62,2.48,1.68,1.88,1.55,3.06,1.30],[0.878,0.647,0.598,2.05,1.06,1.29,1.07,3.14,1.28],method='exact'))"
        let result = try #require(MannWhitney.test(x, y))
        #expect(result.method == .exact)
        #expect(result.u == 58)
        #expect(isClose(result.pValue, 0.13591114767585355))
    }

    @Test func statisticBelongsToTheFirstSample() throws {
        // python3 -c "from scipy.stats import mannwhitneyu as m; print(m([3.1,4.2,5.5],[6.0,7.3,8.8,9.1],method='exact'))"
        let smaller = try #require(MannWhitney.test([3.1, 4.2, 5.5], [6.0, 7.3, 8.8, 9.1]))
        #expect(smaller.u == 0)
        #expect(isClose(smaller.pValue, 0.05714285714285714))
        // python3 -c "from scipy.stats import mannwhitneyu as m; print(m([5,6,7],[1,2,3],method='exact'))"
        let larger = try #require(MannWhitney.test([5, 6, 7], [1, 2, 3]))
        #expect(larger.u == 9)
        // Three runs per side can never reach p < 0.05: 2/C(6,3) = 0.1.
        #expect(isClose(larger.pValue, 0.1))
    }

    @Test func exactTestAtTheSizeLimitMatchesSciPy() throws {
        let x: [Double] = (0..<50).map { 2 * Double($0) }
        // python3 -c "from scipy.stats import mannwhitneyu as m; print(m([2*i for i in range(50)],[2*i+15 for i in range(50)],method='exact'))"
        let middle = try #require(MannWhitney.test(x, x.map { $0 + 15 }))
        #expect(middle.method == .exact)
        #expect(middle.u == 903)
        #expect(isClose(middle.pValue, 0.01645013729718995, relative: 1e-10))
        // python3 -c "from scipy.stats import mannwhitneyu as m; print(m([2*i for i in range(50)],[2*i+61 for i in range(50)],method='exact'))"
        let far = try #require(MannWhitney.test(x, x.map { $0 + 61 }))
        #expect(far.u == 190)
        #expect(isClose(far.pValue, 3.307553170649977e-16, relative: 1e-10))
    }

    @Test func exactTailStaysPreciseForCompleteSeparation() throws {
        // p = 2 / C(80, 30): far below what 1 − (something) could represent.
        // python3 -c "from scipy.stats import mannwhitneyu as m; print(m([2*i for i in range(30)],[2*i+101 for i in range(50)],method='exact'))"
        let evens: [Double] = (0..<30).map { 2 * Double($0) }
        let odds: [Double] = (0..<50).map { 2 * Double($0) + 101 }
        let result = try #require(MannWhitney.test(evens, odds))
        #expect(result.u == 0)
        #expect(isClose(result.pValue, 2.254432416647807e-22, relative: 1e-10))
    }

    @Test func tiesSwitchToTheCorrectedNormalApproximation() throws {
        // python3 -c "from scipy.stats import mannwhitneyu as m; print(m([1,2,2,3,3,3,4,5],[3,4,4,5,6,6,7],method='asymptotic'))"
        let result = try #require(MannWhitney.test([1, 2, 2, 3, 3, 3, 4, 5], [3, 4, 4, 5, 6, 6, 7]))
        #expect(result.method == .asymptotic)
        #expect(result.u == 7)
        #expect(isClose(result.pValue, 0.015984685125196244))
    }

    @Test func tieAcrossSamplesAlsoSwitches() throws {
        // One shared value (10.2 and 11.5 appear on both sides).
        // python3 -c "from scipy.stats import mannwhitneyu as m; print(m([10.2,11.5,9.8,12.0,10.9,11.1],[10.2,13.4,12.2,12.9,11.5,14.0],method='asymptotic'))"
        let result = try #require(MannWhitney.test([10.2, 11.5, 9.8, 12.0, 10.9, 11.1],
                                                   [10.2, 13.4, 12.2, 12.9, 11.5, 14.0]))
        #expect(result.method == .asymptotic)
        #expect(result.u == 6)
        #expect(isClose(result.pValue, 0.06461008912954472))
    }

    @Test func largeSamplesUseTheNormalApproximation() throws {
        // 51 values: above the exact limit even without ties.
        // python3 -c "from scipy.stats import mannwhitneyu as m; print(m([2*i for i in range(51)],[2*i+21 for i in range(40)],method='asymptotic'))"
        let evens: [Double] = (0..<51).map { 2 * Double($0) }
        let odds: [Double] = (0..<40).map { 2 * Double($0) + 21 }
        let result = try #require(MannWhitney.test(evens, odds))
        #expect(result.method == .asymptotic)
        #expect(result.u == 820)
        #expect(isClose(result.pValue, 0.110659812983059))
    }

    @Test func allValuesEqualGiveNoEvidence() throws {
        // python3 -c "from scipy.stats import mannwhitneyu as m; print(m([5.0]*6,[5.0]*4))"
        let result = try #require(MannWhitney.test([5, 5, 5, 5, 5, 5], [5, 5, 5, 5]))
        #expect(result.u == 12)
        #expect(result.pValue == 1)
    }

    @Test func centredStatisticIsCappedAtOne() throws {
        // U = mn/2: the doubled tail would exceed 1.
        // python3 -c "from scipy.stats import mannwhitneyu as m; print(m([1.0,4.0],[2.0,3.0],method='exact'), m([1.0],[2.0],method='exact'))"
        #expect(MannWhitney.test([1, 4], [2, 3])?.pValue == 1)
        #expect(MannWhitney.test([1], [2])?.pValue == 1)
    }

    @Test func emptySampleHasNoTest() {
        #expect(MannWhitney.test([], [1, 2]) == nil)
        #expect(MannWhitney.test([1, 2], []) == nil)
        #expect(MannWhitney.test([1, .nan], [1, 2]) == nil)
    }
}
