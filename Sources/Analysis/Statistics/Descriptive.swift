/// Summary statistics of one sample, used by the tests, detectors and reports.
///
/// Every function returns `nil` when the sample is too small for the statistic to
/// exist (empty input; fewer than two values for the variance) rather than NaN, so
/// an undefined value can never slip into a report as a number. Values are
/// assumed finite: NaN has no order, and the order statistics would be meaningless.
public enum Descriptive {
    /// Arithmetic mean; `nil` for an empty sample.
    public static func mean(_ values: [Double]) -> Double? {
        guard !values.isEmpty else { return nil }
        return values.reduce(0, +) / Double(values.count)
    }

    /// Sample variance with Bessel's correction (divides by n − 1), computed in two
    /// passes to avoid the cancellation of the textbook sum-of-squares formula
    /// (Chan, Golub & LeVeque 1983, "Algorithms for computing the sample variance").
    /// `nil` for fewer than two values: one value says nothing about spread.
    public static func variance(_ values: [Double]) -> Double? {
        guard values.count >= 2, let center = mean(values) else { return nil }
        let squares = values.reduce(0) { $0 + ($1 - center) * ($1 - center) }
        return squares / Double(values.count - 1)
    }

    /// Sample standard deviation, √``variance(_:)``; `nil` for fewer than two values.
    public static func standardDeviation(_ values: [Double]) -> Double? {
        variance(values).map { $0.squareRoot() }
    }

    /// Median (mean of the two middle values for an even count); `nil` when empty.
    public static func median(_ values: [Double]) -> Double? {
        quantile(values, 0.5)
    }

    /// The `p`-quantile by linear interpolation between order statistics: R's
    /// type 7 and NumPy's default (Hyndman & Fan 1996, "Sample quantiles in
    /// statistical packages", definition 7). `nil` when empty.
    ///
    /// - Precondition: `0 <= p <= 1` (a probability chosen by code, not by data).
    public static func quantile(_ values: [Double], _ p: Double) -> Double? {
        precondition((0...1).contains(p), "quantile level \(p) is outside [0, 1]")
        guard !values.isEmpty else { return nil }
        return sortedQuantile(values.sorted(), p)
    }

    /// Median absolute deviation from the median, unscaled (SciPy's
    /// `median_abs_deviation` with `scale=1`): a spread measure that ignores up to
    /// half the sample being outliers (Hampel 1974, "The influence curve and its
    /// role in robust estimation"). Multiply by 1.4826 to estimate σ of normal data.
    /// `nil` when empty.
    public static func medianAbsoluteDeviation(_ values: [Double]) -> Double? {
        guard let center = median(values) else { return nil }
        return median(values.map { abs($0 - center) })
    }

    /// Type 7 quantile of an already sorted, non-empty array.
    static func sortedQuantile(_ sorted: [Double], _ p: Double) -> Double {
        let position = Double(sorted.count - 1) * p
        let lower = Int(position.rounded(.down))
        guard lower + 1 < sorted.count else { return sorted[sorted.count - 1] }
        let fraction = position - Double(lower)
        return sorted[lower] + fraction * (sorted[lower + 1] - sorted[lower])
    }
}
