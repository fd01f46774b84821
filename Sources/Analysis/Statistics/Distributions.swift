#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The few probability distributions the tests need, written out because
/// neither the standard library nor swift-numerics provides them.
public enum Distributions {
    /// Φ(z), the standard normal CDF, as ½·erfc(−z/√2) (Abramowitz & Stegun
    /// 1964, "Handbook of Mathematical Functions", 26.2.29); erfc keeps full
    /// relative precision far into the lower tail.
    public static func normalCDF(_ z: Double) -> Double {
        0.5 * erfc(-z / 2.0.squareRoot())
    }

    /// 1 − Φ(z), computed directly so that upper-tail p-values keep their precision.
    public static func normalSurvival(_ z: Double) -> Double {
        0.5 * erfc(z / 2.0.squareRoot())
    }

    /// Φ⁻¹(p) for p in (0, 1), by bisection on ``normalCDF(_:)`` to full
    /// double precision (a few microseconds; only confidence levels need it).
    public static func normalQuantile(_ p: Double) -> Double {
        precondition(p > 0 && p < 1, "normalQuantile needs 0 < p < 1")
        var low = -40.0, high = 40.0
        for _ in 0..<200 {
            let mid = (low + high) / 2
            if mid == low || mid == high { break }
            if normalCDF(mid) < p { low = mid } else { high = mid }
        }
        return (low + high) / 2
    }

    /// The regularized incomplete beta function I_x(a, b), by the continued
    /// fraction evaluated with the modified Lentz method (Press et al. 2007,
    /// "Numerical Recipes", 3rd ed., §6.4 and §5.2). NaN in, NaN out, as in libm.
    ///
    /// Accuracy, checked against mpmath for the t distribution (a = ν/2, b = ½):
    /// relative error below 1e-13 up to ν = 1000 and about 1e-11 at ν = 10⁴,
    /// growing roughly in proportion to ν beyond, as ln B(a, b) becomes a
    /// difference of large ln Γ values. Welch degrees of freedom stay far below that.
    ///
    /// - Precondition: `a > 0`, `b > 0` and `0 <= x <= 1`.
    public static func regularizedIncompleteBeta(_ x: Double, a: Double, b: Double) -> Double {
        regularizedIncompleteBeta(x, complement: 1 - x, a: a, b: b)
    }

    /// The CDF of Student's t distribution with `degreesOfFreedom` ν (real, not
    /// only integer, as Welch's test needs): P(T ≤ t). Infinite ν gives the
    /// normal; NaN `t` gives NaN.
    ///
    /// - Precondition: `degreesOfFreedom > 0`.
    public static func studentTCDF(_ t: Double, degreesOfFreedom: Double) -> Double {
        let tail = studentTTwoSidedP(t, degreesOfFreedom: degreesOfFreedom) / 2
        return t < 0 ? tail : 1 - tail
    }

    /// The two-sided tail P(|T| ≥ |t|) = I_{ν/(ν+t²)}(ν/2, ½) (Abramowitz &
    /// Stegun 26.7.1 with 26.5.27), the p-value of a two-sided t-test; NaN `t`
    /// gives NaN.
    ///
    /// - Precondition: `degreesOfFreedom > 0`.
    public static func studentTTwoSidedP(_ t: Double, degreesOfFreedom nu: Double) -> Double {
        precondition(nu > 0, "Student t needs positive degrees of freedom, got \(nu)")
        if t.isNaN { return .nan }
        let tSquared = t * t
        if tSquared.isInfinite { return 0 }
        if nu.isInfinite { return 2 * normalSurvival(abs(t)) }
        // x = ν/(ν+t²) and 1−x = t²/(ν+t²), each computed without cancellation.
        let denominator = nu + tSquared
        return regularizedIncompleteBeta(nu / denominator, complement: tSquared / denominator,
                                         a: nu / 2, b: 0.5)
    }

    /// I_x(a, b) given both x and y = 1 − x, so callers that know y precisely
    /// do not lose it to rounding.
    static func regularizedIncompleteBeta(_ x: Double, complement y: Double,
                                          a: Double, b: Double) -> Double {
        if x.isNaN || y.isNaN { return .nan }
        precondition(a > 0 && b > 0, "incomplete beta needs a, b > 0, got a=\(a) b=\(b)")
        precondition(x >= 0 && x <= 1, "incomplete beta needs 0 <= x <= 1, got \(x)")
        if x == 0 { return 0 }
        if y == 0 { return 1 }
        // x^a · y^b / B(a, b) is the prefactor of the continued fraction; the
        // logarithm of whichever of x, y is near 1 comes from the other one.
        let logX = x > 0.5 ? log1p(-y) : log(x)
        let logY = y > 0.5 ? log1p(-x) : log(y)
        let logBeta = logGamma(a) + logGamma(b) - logGamma(a + b)
        let front = exp(a * logX + b * logY - logBeta)
        // The fraction converges fast for x < (a+1)/(a+b+2); otherwise use
        // the symmetry I_x(a, b) = 1 − I_{1−x}(b, a).
        if x < (a + 1) / (a + b + 2) {
            return front * betaContinuedFraction(x, a: a, b: b) / a
        }
        return 1 - front * betaContinuedFraction(y, a: b, b: a) / b
    }

    /// The continued fraction for I_x(a, b) (Numerical Recipes 3rd ed., eq. 6.4.5),
    /// by the modified Lentz method.
    private static func betaContinuedFraction(_ x: Double, a: Double, b: Double) -> Double {
        let tiny = Double.leastNormalMagnitude / Double.ulpOfOne
        let epsilon = Double.ulpOfOne
        let qab = a + b
        let qap = a + 1
        let qam = a - 1
        var c = 1.0
        var d = 1 - qab * x / qap
        if abs(d) < tiny { d = tiny }
        d = 1 / d
        var h = d
        // Converges in O(√max(a, b)) terms; the cap bounds the work for extreme a, b.
        for m in 1...100_000 {
            let m = Double(m)
            let m2 = 2 * m
            // Even step.
            var aa = m * (b - m) * x / ((qam + m2) * (a + m2))
            d = 1 + aa * d
            if abs(d) < tiny { d = tiny }
            c = 1 + aa / c
            if abs(c) < tiny { c = tiny }
            d = 1 / d
            h *= d * c
            // Odd step.
            aa = -(a + m) * (qab + m) * x / ((a + m2) * (qap + m2))
            d = 1 + aa * d
            if abs(d) < tiny { d = tiny }
            c = 1 + aa / c
            if abs(c) < tiny { c = tiny }
            d = 1 / d
            let delta = d * c
            h *= delta
            if abs(delta - 1) <= epsilon { break }
        }
        return h
    }

    /// ln Γ(x) for x > 0, through the reentrant `lgamma_r` (plain `lgamma`
    /// writes the global `signgam`, a data race under concurrency).
    private static func logGamma(_ x: Double) -> Double {
        var sign: Int32 = 0
        return lgamma_r(x, &sign)
    }
}
