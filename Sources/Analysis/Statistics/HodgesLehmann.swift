/// The Hodges–Lehmann estimate of the shift between two samples: the median of
/// all pairwise differences `current[j] − baseline[i]` (Hodges & Lehmann 1963,
/// "Estimates of location based on rank tests", Ann. Math. Statist. 34(2)).
///
/// Why this rather than a difference of means: one slow outlier run moves a mean
/// arbitrarily far but moves the median of n·m differences only slightly (its
/// breakdown point is about 29%), while for normal data it is still about 95%
/// as efficient as the difference of means. It is also the shift estimate that
/// belongs with the Mann–Whitney test used for the p-value.
public enum HodgesLehmann {
    /// The shift that moves `baseline` onto `current` (positive when `current`
    /// is larger); `nil` when either sample is empty or holds a value that is
    /// not finite (NaN has no order, and ∞ − ∞ is NaN).
    public static func shift(baseline: [Double], current: [Double]) -> Double? {
        guard !baseline.isEmpty, !current.isEmpty,
              baseline.allSatisfy(\.isFinite), current.allSatisfy(\.isFinite) else { return nil }
        var differences = [Double](repeating: 0, count: baseline.count * current.count)
        return shift(baseline: baseline, current: current, differences: &differences)
    }

    /// The same estimate using `differences` (at least n·m long) as scratch
    /// space, so that bootstrap loops allocate nothing per resample.
    static func shift(baseline: [Double], current: [Double],
                      differences: inout [Double]) -> Double {
        var index = 0
        for later in current {
            for earlier in baseline {
                differences[index] = later - earlier
                index += 1
            }
        }
        return Selection.medianInPlace(&differences, count: index)
    }
}
