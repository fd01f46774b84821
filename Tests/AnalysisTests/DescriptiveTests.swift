import Testing
@testable import Analysis

@Suite struct DescriptiveTests {
    let odd = [2.5, 1.0, 4.0, 3.5, 10.0, 2.0, 7.5]
    let even = [4.0, 1.0, 3.0, 2.0, 8.0, 6.0]

    @Test func meanVarianceAndStandardDeviationMatchNumPy() {
        // python3 -c "import numpy as np; a=[2.5,1.0,4.0,3.5,10.0,2.0,7.5]; print(np.mean(a), np.var(a,ddof=1), np.std(a,ddof=1))"
        #expect(isClose(Descriptive.mean(odd), 4.357142857142857))
        #expect(isClose(Descriptive.variance(odd), 10.476190476190476))
        #expect(isClose(Descriptive.standardDeviation(odd), 3.236694374850748))
        // python3 -c "import numpy as np; b=[4.0,1.0,3.0,2.0,8.0,6.0]; print(np.mean(b), np.var(b,ddof=1), np.std(b,ddof=1))"
        #expect(isClose(Descriptive.mean(even), 4.0))
        #expect(isClose(Descriptive.variance(even), 6.8))
        #expect(isClose(Descriptive.standardDeviation(even), 2.6076809620810595))
    }

    @Test func varianceKeepsPrecisionFarFromZero() {
        // A naive Σx² − n·mean² loses every digit here; two passes keep them.
        // python3 -c "import numpy as np; print(np.var([1e9+4, 1e9+7, 1e9+13, 1e9+16], ddof=1))"
        #expect(isClose(Descriptive.variance([1e9 + 4, 1e9 + 7, 1e9 + 13, 1e9 + 16]), 30.0))
    }

    @Test func medianOfOddAndEvenCounts() {
        // python3 -c "import numpy as np; print(np.median([2.5,1.0,4.0,3.5,10.0,2.0,7.5]), np.median([4.0,1.0,3.0,2.0,8.0,6.0]))"
        #expect(Descriptive.median(odd) == 3.5)
        #expect(Descriptive.median(even) == 3.5)
    }

    @Test func quantilesInterpolateLikeNumPyDefault() {
        // python3 -c "import numpy as np; print([np.quantile([2.5,1.0,4.0,3.5,10.0,2.0,7.5], p) for p in (0,0.1,0.25,0.9,1)])"
        let oddExpected = [1.0, 1.6, 2.25, 8.5, 10.0]
        // python3 -c "import numpy as np; print([np.quantile([4.0,1.0,3.0,2.0,8.0,6.0], p) for p in (0,0.1,0.25,0.9,1)])"
        let evenExpected = [1.0, 1.5, 2.25, 7.0, 8.0]
        for (p, expected) in zip([0, 0.1, 0.25, 0.9, 1], oddExpected) {
            #expect(isClose(Descriptive.quantile(odd, p), expected), "p=\(p)")
        }
        for (p, expected) in zip([0, 0.1, 0.25, 0.9, 1], evenExpected) {
            #expect(isClose(Descriptive.quantile(even, p), expected), "p=\(p)")
        }
    }

    @Test func medianAbsoluteDeviationMatchesSciPyUnscaled() {
        // python3 -c "from scipy.stats import median_abs_deviation as m; print(m([2.5,1.0,4.0,3.5,10.0,2.0,7.5]), m([4.0,1.0,3.0,2.0,8.0,6.0]))"
        #expect(Descriptive.medianAbsoluteDeviation(odd) == 1.5)
        #expect(Descriptive.medianAbsoluteDeviation(even) == 2.0)
    }

    @Test func emptyInputHasNoStatistics() {
        #expect(Descriptive.mean([]) == nil)
        #expect(Descriptive.variance([]) == nil)
        #expect(Descriptive.standardDeviation([]) == nil)
        #expect(Descriptive.median([]) == nil)
        #expect(Descriptive.quantile([], 0.5) == nil)
        #expect(Descriptive.medianAbsoluteDeviation([]) == nil)
    }

    @Test func singleValueHasLocationButNoVariance() {
        #expect(Descriptive.mean([7]) == 7)
        #expect(Descriptive.variance([7]) == nil)
        #expect(Descriptive.standardDeviation([7]) == nil)
        #expect(Descriptive.median([7]) == 7)
        #expect(Descriptive.quantile([7], 0.9) == 7)
        #expect(Descriptive.medianAbsoluteDeviation([7]) == 0)
    }

    @Test func constantSampleHasZeroSpread() {
        #expect(Descriptive.variance([3, 3, 3]) == 0)
        #expect(Descriptive.medianAbsoluteDeviation([3, 3, 3]) == 0)
    }
}
