/// Percentile bootstrap confidence intervals (Efron & Tibshirani 1993, "An
/// Introduction to the Bootstrap", ch. 13): resample the data with replacement,
/// recompute the statistic, and take the central quantiles of the replicates.
///
/// Why the bootstrap: the shift estimate has no convenient closed-form interval
/// for skewed, heavy-tailed timing data, and the bootstrap assumes no
/// distribution. Why seeded: the same data must give the same interval, and so
/// the same verdict, on every rerun of a CI job.
public enum Bootstrap {
    /// Resamples per interval: enough for stable 2.5%/97.5% percentiles
    /// (Efron & Tibshirani recommend 1000 or more for percentile intervals).
    public static let defaultResamples = 2000
    /// Two-sided 95% intervals.
    public static let defaultConfidence = 0.95

    /// Percentile interval of the ``HodgesLehmann`` shift of `current` over
    /// `baseline`, resampling each group independently with replacement; `nil`
    /// when either sample is empty or holds a value that is not finite.
    ///
    /// The draws are fixed by `seed`: for each resample, `baseline.count` indices
    /// into `baseline`, then `current.count` indices into `current`, each from
    /// ``SeededGenerator/nextIndex(below:)``.
    ///
    /// - Precondition: `resamples >= 1` and `0 < confidence < 1`.
    public static func shiftInterval(baseline: [Double], current: [Double],
                                     resamples: Int = defaultResamples,
                                     confidence: Double = defaultConfidence,
                                     seed: UInt64) -> ConfidenceInterval? {
        precondition(resamples >= 1, "bootstrap needs at least one resample, got \(resamples)")
        guard !baseline.isEmpty, !current.isEmpty,
              baseline.allSatisfy(\.isFinite), current.allSatisfy(\.isFinite) else { return nil }
        var generator = SeededGenerator(seed: seed)
        var baselineDraw = baseline
        var currentDraw = current
        var differences = [Double](repeating: 0, count: baseline.count * current.count)
        var replicates: [Double] = []
        replicates.reserveCapacity(resamples)
        for _ in 0..<resamples {
            resample(baseline, into: &baselineDraw, using: &generator)
            resample(current, into: &currentDraw, using: &generator)
            replicates.append(HodgesLehmann.shift(baseline: baselineDraw, current: currentDraw,
                                                  differences: &differences))
        }
        return percentileInterval(of: replicates, confidence: confidence)
    }

    /// The central `confidence` interval of bootstrap `replicates`: their
    /// (1−c)/2 and (1+c)/2 quantiles by linear interpolation (NumPy's default,
    /// as used by `scipy.stats.bootstrap(method='percentile')`); `nil` when empty.
    ///
    /// - Precondition: `0 < confidence < 1`.
    public static func percentileInterval(of replicates: [Double],
                                          confidence: Double) -> ConfidenceInterval? {
        precondition(confidence > 0 && confidence < 1,
                     "confidence level \(confidence) is outside (0, 1)")
        guard !replicates.isEmpty else { return nil }
        let sorted = replicates.sorted()
        let tail = (1 - confidence) / 2
        return ConfidenceInterval(lower: Descriptive.sortedQuantile(sorted, tail),
                                  upper: Descriptive.sortedQuantile(sorted, 1 - tail),
                                  level: confidence)
    }

    /// Fills `draw` (already `source.count` long) with values drawn from `source`
    /// uniformly with replacement.
    static func resample(_ source: [Double], into draw: inout [Double],
                         using generator: inout SeededGenerator) {
        for index in draw.indices {
            draw[index] = source[generator.nextIndex(below: source.count)]
        }
    }
}
