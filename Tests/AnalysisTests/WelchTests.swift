import Testing
@testable import Analysis

@Suite struct WelchTests {
    @Test func unequalSizesAndVariancesMatchSciPy() throws {
        let a = [19.8, 20.4, 19.6, 17.8, 18.5, 18.9, 18.3, 18.9, 19.5, 22.0]
        let b = [28.2, 26.6, 20.1, 23.3, 25.2, 22.1, 17.7, 27.6, 20.6, 13.7,
                 23.2, 17.5, 20.6, 18.0, 23.9, 21.6, 24.3, 20.4, 23.9, 13.3]
        // python3 -c "from scipy.stats import ttest_ind as T; r=T([19.8,20.4,19.6,17.8,18.5,18.9,18.3,18.9,19.5,22.0],[28.2,26.6,20.1,23.3,25.2,22.1,17.7,27.6,20.6,13.7,23.2,17.5,20.6,18.0,23.9,21.6,24.3,20.4,23.9,13.3],equal_var=False); print(r.statistic, r.pvalue, r.df)"
        let result = try #require(Welch.test(a, b))
        #expect(isClose(result.t, -2.225512039969852))
        #expect(isClose(result.degreesOfFreedom, 24.524634944257343))
        #expect(isClose(result.pValue, 0.035484530830010394, relative: 1e-11))
    }

    @Test func smallSamplesOfSharesMatchSciPy() throws {
        // python3 -c "from scipy.stats import ttest_ind as T; r=T([0.31,0.29,0.35,0.30],[0.42,0.39,0.47],equal_var=False); print(r.statistic, r.pvalue, r.df)"
        let result = try #require(Welch.test([0.31, 0.29, 0.35, 0.30], [0.42, 0.39, 0.47]))
        #expect(isClose(result.t, -4.26255903031633, relative: 1e-11))
        #expect(isClose(result.degreesOfFreedom, 3.253369716001769, relative: 1e-11))
        #expect(isClose(result.pValue, 0.020095989135010168, relative: 1e-11))
    }

    @Test func oneConstantSampleStillHasATest() throws {
        // Only the other sample's variance counts: df = n₂ − 1 = 3.
        // python3 -c "from scipy.stats import ttest_ind as T; r=T([5.0,5.0,5.0],[4.0,6.5,5.5,4.5],equal_var=False); print(r.statistic, r.pvalue, r.df)"
        let result = try #require(Welch.test([5, 5, 5], [4, 6.5, 5.5, 4.5]))
        #expect(isClose(result.t, -0.22549380840084865))
        #expect(isClose(result.degreesOfFreedom, 3))
        #expect(isClose(result.pValue, 0.8360832258079628, relative: 1e-11))
    }

    @Test func twoValuesPerSideAreEnough() throws {
        // python3 -c "from scipy.stats import ttest_ind as T; r=T([1.0,2.0],[1.5,2.5],equal_var=False); print(r.statistic, r.pvalue, r.df)"
        let result = try #require(Welch.test([1, 2], [1.5, 2.5]))
        #expect(isClose(result.t, -0.7071067811865475))
        #expect(isClose(result.degreesOfFreedom, 2))
        #expect(isClose(result.pValue, 0.5527864045000421, relative: 1e-11))
    }

    @Test func fewerThanTwoValuesHaveNoTest() {
        #expect(Welch.test([1], [1, 2, 3]) == nil)
        #expect(Welch.test([1, 2, 3], [4]) == nil)
        #expect(Welch.test([], [1, 2]) == nil)
        #expect(Welch.test([1, 2, .nan], [1, 2]) == nil)
        #expect(Welch.test([1, 2], [1, -.infinity]) == nil)
    }

    @Test func zeroVarianceWithEqualMeansIsNoEvidence() {
        // SciPy gives NaN here: nothing varies, nothing differs.
        #expect(Welch.test([3, 3, 3], [3, 3]) == Welch.Result(t: 0, degreesOfFreedom: 1, pValue: 1))
    }

    @Test func zeroVarianceWithDifferentMeansIsADeterministicDifference() {
        // python3 -c "from scipy.stats import ttest_ind as T; print(T([3.0,3.0,3.0],[4.0,4.0],equal_var=False))"
        #expect(Welch.test([3, 3, 3], [4, 4])
                == Welch.Result(t: -.infinity, degreesOfFreedom: 1, pValue: 0))
        #expect(Welch.test([4, 4], [3, 3, 3])
                == Welch.Result(t: .infinity, degreesOfFreedom: 1, pValue: 0))
    }
}
