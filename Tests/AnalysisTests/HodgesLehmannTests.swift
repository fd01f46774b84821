import Testing
@testable import Analysis

@Suite struct HodgesLehmannTests {
    let baseline = [10.23, 9.81, 10.57, 10.12, 11.94, 9.90, 10.04]
    let current = [11.13, 10.91, 11.46, 11.02, 10.85, 13.57]

    @Test func evenNumberOfDifferencesMatchesNumPy() {
        // 7 × 6 = 42 differences.
        // python3 -c "import numpy as np; b=[10.23,9.81,10.57,10.12,11.94,9.90,10.04]; c=[11.13,10.91,11.46,11.02,10.85,13.57]; print(np.median(np.subtract.outer(c,b)))"
        #expect(isClose(HodgesLehmann.shift(baseline: baseline, current: current), 0.9950000000000001))
    }

    @Test func oddNumberOfDifferencesMatchesNumPy() {
        // 3 × 5 = 15 differences; the sign says `current` is larger.
        // python3 -c "import numpy as np; print(np.median(np.subtract.outer([2.5,4.1,6.0,3.2,0.7],[1.3,2.9,3.4])))"
        #expect(isClose(HodgesLehmann.shift(baseline: [1.3, 2.9, 3.4],
                                            current: [2.5, 4.1, 6.0, 3.2, 0.7]),
                        0.6999999999999997))
    }

    @Test func oneOutlierBarelyMovesTheEstimate() {
        var withOutlier = baseline
        withOutlier[4] = 1000
        // python3 -c "import numpy as np; b=[10.23,9.81,10.57,10.12,1000.0,9.90,10.04]; c=[11.13,10.91,11.46,11.02,10.85,13.57]; print(np.median(np.subtract.outer(c,b)), np.mean(c)-np.mean(b))"
        // The difference of means becomes -140.03; the estimate stays near 1.
        #expect(isClose(HodgesLehmann.shift(baseline: withOutlier, current: current), 0.9649999999999999))
    }

    @Test func singlePairIsItsDifference() {
        #expect(HodgesLehmann.shift(baseline: [2], current: [5]) == 3)
    }

    @Test func emptySampleHasNoShift() {
        #expect(HodgesLehmann.shift(baseline: [], current: [1]) == nil)
        #expect(HodgesLehmann.shift(baseline: [1], current: []) == nil)
    }

    @Test func nonFiniteValuesHaveNoShift() {
        #expect(HodgesLehmann.shift(baseline: [1, .nan], current: [2]) == nil)
        #expect(HodgesLehmann.shift(baseline: [1], current: [2, .infinity]) == nil)
    }

    @Test func selectionAgreesWithSortingOnManyArrays() {
        // Small value ranges force many duplicates, the hard case for partitioning.
        var generator = SeededGenerator(seed: 2024)
        for trial in 0..<500 {
            let count = 1 + generator.nextIndex(below: 60)
            let range = 1 + generator.nextIndex(below: 8)
            var values = (0..<count).map { _ in Double(generator.nextIndex(below: range)) }
            let sorted = values.sorted()
            let expected = count % 2 == 1 ? sorted[count / 2]
                : (sorted[count / 2 - 1] + sorted[count / 2]) / 2
            #expect(Selection.medianInPlace(&values, count: count) == expected,
                    "trial \(trial): \(sorted)")
        }
    }

    @Test func selectionUsesOnlyTheCountedPrefix() {
        var buffer = [5.0, 1.0, 3.0, -100, -100]
        #expect(Selection.medianInPlace(&buffer, count: 3) == 3)
    }
}
