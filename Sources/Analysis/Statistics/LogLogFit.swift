#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A power law cost ≈ C·sizeᵏ fitted by least squares on log(cost) against
/// log(size): the slope k estimates the complexity exponent (1 for linear work,
/// 2 for a quadratic loop), and a bootstrap interval says how sure that is.
///
/// Why log–log: a power law is a straight line there, and the slope does not
/// depend on the units of size or cost. Two line estimators: least squares,
/// and Theil–Sen (Sen 1968, "Estimates of the regression coefficient based on
/// Kendall's tau", JASA 63) — the median of the slopes between every two
/// points of different sizes. Timing noise on a shared machine is one-sided
/// and heavy-tailed (a run whose core is shared with another job takes twice
/// as long); least squares follows those runs, Theil–Sen ignores up to 29% of
/// them. Why a pairs bootstrap (Efron &
/// Tibshirani 1993, §9.5): it resamples whole (size, cost) observations, so it
/// stays honest when the noise grows with size, which timing noise does.
public struct LogLogFit: Codable, Sendable, Equatable {
    /// The exponent k: the least-squares slope of log(cost) on log(size).
    public var slope: Double
    /// ln C: the least-squares intercept, so cost ≈ exp(intercept)·sizeᵏ.
    public var intercept: Double
    /// Share of the variance of log(cost) explained by the line, in [0, 1].
    /// Constant costs are fitted exactly by slope 0 and get 1 (SciPy's
    /// `linregress` reports r = 0 there).
    public var rSquared: Double
    /// Percentile bootstrap interval of ``slope``.
    public var slopeInterval: ConfidenceInterval
    /// Number of (size, cost) observations fitted.
    public var pointCount: Int

    /// How the line is fitted.
    public enum Estimator: String, Codable, Sendable {
        /// Ordinary least squares; r² is the squared correlation.
        case leastSquares
        /// Theil–Sen: median pairwise slope, intercept the median of
        /// log(cost) − slope·log(size) (SciPy's `theilslopes(method="joint")`);
        /// r² is 1 − residual/total sum of squares about that line, floored at 0.
        case theilSen
    }

    public init(slope: Double, intercept: Double, rSquared: Double,
                slopeInterval: ConfidenceInterval, pointCount: Int) {
        self.slope = slope
        self.intercept = intercept
        self.rSquared = rSquared
        self.slopeInterval = slopeInterval
        self.pointCount = pointCount
    }

    /// Fits `costs[i] ≈ C·sizes[i]ᵏ`; several observations may share a size.
    ///
    /// The slope interval resamples the points with replacement, `resamples`
    /// times, fixed by `seed`; a resample whose sizes are all equal has no slope
    /// and is drawn again, which ends because at least two sizes differ.
    ///
    /// - Throws: ``AnalysisError`` when the arrays differ in length, a value is not
    ///   positive and finite, there are fewer than two distinct sizes, or
    ///   `resamples`/`confidence` are out of range.
    public static func fit(sizes: [Double], costs: [Double],
                           resamples: Int = Bootstrap.defaultResamples,
                           confidence: Double = Bootstrap.defaultConfidence,
                           seed: UInt64 = 0x5EED, estimator: Estimator = .leastSquares) throws -> LogLogFit {
        guard sizes.count == costs.count else {
            throw AnalysisError.lengthMismatch(first: "sizes", firstCount: sizes.count,
                                               second: "costs", secondCount: costs.count)
        }
        try AnalysisError.requirePositive(sizes, sample: "sizes")
        try AnalysisError.requirePositive(costs, sample: "costs")
        guard resamples >= 1 else {
            throw AnalysisError.invalidParameter(name: "resamples", value: Double(resamples),
                                                 expected: "at least 1")
        }
        guard confidence > 0 && confidence < 1 else {
            throw AnalysisError.invalidParameter(name: "confidence", value: confidence,
                                                 expected: "a level between 0 and 1, such as 0.95")
        }
        let x = sizes.map { log($0) }
        let y = costs.map { log($0) }
        var scratch: [Double] = []
        let line: (_ x: [Double], _ y: [Double]) -> (slope: Double, intercept: Double, rSquared: Double)? = {
            switch estimator {
            case .leastSquares: leastSquares($0, $1)
            case .theilSen: theilSen($0, $1, scratch: &scratch)
            }
        }
        guard let fitted = line(x, y) else {
            throw AnalysisError.tooFewDistinctValues(sample: "sizes", needed: 2, got: Set(x).count)
        }

        var generator = SeededGenerator(seed: seed)
        var drawX = x
        var drawY = y
        var slopes: [Double] = []
        slopes.reserveCapacity(resamples)
        while slopes.count < resamples {
            for index in x.indices {
                let pick = generator.nextIndex(below: x.count)
                drawX[index] = x[pick]
                drawY[index] = y[pick]
            }
            if let resampled = line(drawX, drawY) { slopes.append(resampled.slope) }
        }
        return LogLogFit(slope: fitted.slope, intercept: fitted.intercept, rSquared: fitted.rSquared,
                         slopeInterval: Bootstrap.percentileInterval(of: slopes,
                                                                     confidence: confidence)!,
                         pointCount: sizes.count)
    }

    /// Ordinary least squares of y on x; `nil` when all x are equal.
    ///
    /// Works on the data shifted by its first point (Chan, Golub & LeVeque 1983):
    /// equal values then give exactly zero deviations, so equal x are detected
    /// exactly and constant y gives a slope of exactly 0.
    static func leastSquares(_ x: [Double], _ y: [Double])
        -> (slope: Double, intercept: Double, rSquared: Double)? {
        let count = Double(x.count)
        let dx = x.map { $0 - x[0] }
        let dy = y.map { $0 - y[0] }
        let meanX = dx.reduce(0, +) / count
        let meanY = dy.reduce(0, +) / count
        var sxx = 0.0
        var sxy = 0.0
        var syy = 0.0
        for (u, v) in zip(dx, dy) {
            sxx += (u - meanX) * (u - meanX)
            sxy += (u - meanX) * (v - meanY)
            syy += (v - meanY) * (v - meanY)
        }
        guard sxx > 0 else { return nil }
        let slope = sxy / sxx
        let intercept = (y[0] + meanY) - slope * (x[0] + meanX)
        let rSquared = syy > 0 ? min(1, sxy * sxy / (sxx * syy)) : 1
        return (slope, intercept, rSquared)
    }

    /// Theil–Sen line; `nil` when all x are equal. `scratch` is reused between calls.
    static func theilSen(_ x: [Double], _ y: [Double], scratch: inout [Double])
        -> (slope: Double, intercept: Double, rSquared: Double)? {
        let n = x.count
        let needed = max(n, n * (n - 1) / 2)
        if scratch.count < needed { scratch = [Double](repeating: 0, count: needed) }
        var count = 0
        for i in 0..<n {
            for j in (i + 1)..<n where x[i] != x[j] {
                scratch[count] = (y[j] - y[i]) / (x[j] - x[i])
                count += 1
            }
        }
        guard count > 0 else { return nil }
        let slope = Selection.medianInPlace(&scratch, count: count)
        for i in 0..<n { scratch[i] = y[i] - slope * x[i] }
        let intercept = Selection.medianInPlace(&scratch, count: n)
        let meanY = y.reduce(0, +) / Double(n)
        var residual = 0.0, total = 0.0
        for i in 0..<n {
            let r = y[i] - (intercept + slope * x[i])
            residual += r * r
            total += (y[i] - meanY) * (y[i] - meanY)
        }
        let rSquared = total > 0 ? max(0, 1 - residual / total) : 1
        return (slope, intercept, rSquared)
    }
}
