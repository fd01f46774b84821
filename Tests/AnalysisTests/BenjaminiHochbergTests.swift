import Testing
@testable import Analysis

@Suite struct BenjaminiHochbergTests {
    // Unsorted, with ties (0.04 twice, 0.03 twice).
    let pValues = [0.04, 0.001, 0.03, 0.2, 0.03, 0.9, 0.012, 0.04, 0.5, 0.008]

    @Test func adjustedValuesMatchSciPyInInputOrder() {
        // python3 -c "from scipy.stats import false_discovery_control as f; print(f([0.04,0.001,0.03,0.2,0.03,0.9,0.012,0.04,0.5,0.008],method='bh'))"
        let expected = [0.05714285714285715, 0.01, 0.05714285714285715, 0.25,
                        0.05714285714285715, 0.9, 0.04, 0.05714285714285715,
                        0.5555555555555556, 0.04]
        let adjusted = BenjaminiHochberg.adjust(pValues)
        #expect(adjusted.count == expected.count)
        for (index, (value, reference)) in zip(adjusted, expected).enumerated() {
            #expect(isClose(value, reference), "index \(index)")
        }
    }

    @Test func tiedPValuesGetEqualAdjustedValues() {
        let adjusted = BenjaminiHochberg.adjust(pValues)
        #expect(adjusted[0] == adjusted[7])
        #expect(adjusted[2] == adjusted[4])
    }

    @Test func rejectionsAtTwoLevelsMatchSciPy() {
        // python3 -c "from scipy.stats import false_discovery_control as f; a=f([0.04,0.001,0.03,0.2,0.03,0.9,0.012,0.04,0.5,0.008]); print(a<=0.05, a<=0.01)"
        #expect(BenjaminiHochberg.rejections(pValues, q: 0.05)
                == [false, true, false, false, false, false, true, false, false, true])
        #expect(BenjaminiHochberg.rejections(pValues, q: 0.01)
                == [false, true, false, false, false, false, false, false, false, false])
    }

    @Test func stepUpRejectsAValueAboveItsOwnThreshold() {
        // Sorted: 0.01 ≤ q/3, 0.04 > 2q/3, 0.045 ≤ q; the largest passing rank is 3,
        // so all three are rejected (a step-down procedure would stop at 0.04).
        // python3 -c "from scipy.stats import false_discovery_control as f; print(f([0.045,0.01,0.04]))"
        let adjusted = BenjaminiHochberg.adjust([0.045, 0.01, 0.04])
        #expect(isClose(adjusted[0], 0.045))
        #expect(isClose(adjusted[1], 0.03))
        #expect(isClose(adjusted[2], 0.045))
        #expect(BenjaminiHochberg.rejections([0.045, 0.01, 0.04], q: 0.05) == [true, true, true])
    }

    @Test func largePValuesStayAtMostOne() {
        // python3 -c "from scipy.stats import false_discovery_control as f; print(f([0.7,0.99,0.8],method='bh'))"
        #expect(BenjaminiHochberg.adjust([0.7, 0.99, 0.8]) == [0.99, 0.99, 0.99])
        #expect(BenjaminiHochberg.adjust([1, 1]) == [1, 1])
    }

    @Test func singleAndEmptyInputs() {
        // python3 -c "from scipy.stats import false_discovery_control as f; print(f([0.03],method='bh'))"
        #expect(BenjaminiHochberg.adjust([0.03]) == [0.03])
        #expect(BenjaminiHochberg.adjust([]) == [])
        #expect(BenjaminiHochberg.rejections([], q: 0.05) == [])
    }
}
