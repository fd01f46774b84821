import Testing
@testable import Analysis

@Suite struct DistributionsTests {
    @Test func normalCDFMatchesTablesAndSciPy() {
        // Table value: Φ(1.959964) = 0.975.
        // python3 -c "from scipy.stats import norm; print(norm.cdf(1.959964), norm.cdf(-1.5), norm.sf(-1.5))"
        #expect(isClose(Distributions.normalCDF(1.959964), 0.9750000009035577))
        #expect(Distributions.normalCDF(0) == 0.5)
        #expect(isClose(Distributions.normalCDF(-1.5), 0.06680720126885807))
        #expect(isClose(Distributions.normalSurvival(-1.5), 0.9331927987311419))
    }

    @Test func normalTailsKeepRelativePrecision() {
        // python3 -c "from scipy.stats import norm; print(norm.cdf(-8), norm.sf(8))"
        #expect(isClose(Distributions.normalCDF(-8), 6.22096057427174e-16, relative: 1e-12))
        #expect(isClose(Distributions.normalSurvival(8), 6.22096057427174e-16, relative: 1e-12))
    }

    @Test(arguments: [
        // python3 -c "from scipy.special import betainc; print(betainc(2,3,0.3))"
        (0.3, 2.0, 3.0, 0.34829999999999994),
        // python3 -c "from scipy.special import betainc; print(betainc(0.5,0.5,0.5))"
        (0.5, 0.5, 0.5, 0.5000000000000001),
        // python3 -c "from scipy.special import betainc; print(betainc(10,2,0.9))"
        (0.9, 10.0, 2.0, 0.6973568802000002),
        // python3 -c "from scipy.special import betainc; print(betainc(0.5,30,0.01))"
        (0.01, 0.5, 30.0, 0.560665631094749),
        // python3 -c "from scipy.special import betainc; print(betainc(50,0.5,0.999))"
        (0.999, 50.0, 0.5, 0.7523690199653766),
        // python3 -c "from scipy.special import betainc; print(betainc(200,300,0.2))"
        (0.2, 200.0, 300.0, 8.175330430038738e-25),
        // python3 -c "from scipy.special import betainc; print(betainc(200,300,0.4))"
        (0.4, 200.0, 300.0, 0.5024286163199315),
    ])
    func incompleteBetaMatchesSciPy(x: Double, a: Double, b: Double, expected: Double) {
        #expect(isClose(Distributions.regularizedIncompleteBeta(x, a: a, b: b), expected,
                        relative: 1e-11))
    }

    @Test func incompleteBetaEndpointsAndSymmetry() {
        #expect(Distributions.regularizedIncompleteBeta(0, a: 2, b: 3) == 0)
        #expect(Distributions.regularizedIncompleteBeta(1, a: 2, b: 3) == 1)
        // I_x(a, b) = 1 − I_{1−x}(b, a).
        let left = Distributions.regularizedIncompleteBeta(0.35, a: 4.5, b: 1.5)
        let right = Distributions.regularizedIncompleteBeta(0.65, a: 1.5, b: 4.5)
        #expect(isClose(left + right, 1))
        #expect(Distributions.regularizedIncompleteBeta(.nan, a: 2, b: 3).isNaN)
    }

    @Test func studentTMatchesTheTextbookTable() {
        // Table: t = 2.228 with 10 degrees of freedom is the two-sided 5% point.
        // python3 -c "from scipy.stats import t; print(2*t.sf(2.228,10))"
        #expect(isClose(Distributions.studentTTwoSidedP(2.228, degreesOfFreedom: 10),
                        0.05001177181711132))
        // One degree of freedom is the Cauchy distribution: P(T ≤ 1) = 3/4.
        #expect(isClose(Distributions.studentTCDF(1, degreesOfFreedom: 1), 0.75))
    }

    @Test(arguments: [
        // python3 -c "from scipy.stats import t; print(2*t.sf(3.5,4.5), t.cdf(-3.5,4.5))"
        (-3.5, 4.5, 0.020541689969385577, 0.010270844984692789),
        // python3 -c "from scipy.stats import t; print(2*t.sf(0.3,2.7), t.cdf(0.3,2.7))"
        (0.3, 2.7, 0.7857665326944482, 0.6071167336527759),
        // python3 -c "from scipy.stats import t; print(2*t.sf(12,3), t.cdf(12,3))"
        (12.0, 3.0, 0.0012450158007893362, 0.9993774920996054),
        // python3 -c "from scipy.stats import t; print(2*t.sf(2,1e4), t.cdf(2,1e4))"
        (2.0, 1e4, 0.04552726066143543, 0.9772363696692823),
        // python3 -c "from scipy.stats import t; print(2*t.sf(1e-8,5), t.cdf(1e-8,5))"
        (1e-8, 5.0, 0.9999999924078662, 0.5000000037960669),
    ])
    func studentTMatchesSciPy(t: Double, df: Double, twoSided: Double, cdf: Double) {
        #expect(isClose(Distributions.studentTTwoSidedP(t, degreesOfFreedom: df), twoSided,
                        relative: 1e-10))
        #expect(isClose(Distributions.studentTCDF(t, degreesOfFreedom: df), cdf, relative: 1e-10))
    }

    @Test func studentTWithVeryManyDegreesOfFreedomIsStillClose() {
        // The documented accuracy loss for huge ν: relative error about 1e-9 here.
        // python3 -c "from scipy.stats import t; print(2*t.sf(2,1e6), 2*t.sf(5,1e6))"
        #expect(isClose(Distributions.studentTTwoSidedP(2, degreesOfFreedom: 1e6),
                        0.04550053385131924, relative: 1e-8))
        #expect(isClose(Distributions.studentTTwoSidedP(5, degreesOfFreedom: 1e6),
                        5.733997870890745e-07, relative: 1e-8))
    }

    @Test func studentTFarTailKeepsRelativePrecision() {
        // python3 -c "from scipy.stats import t; print(2*t.sf(50,30))"
        #expect(isClose(Distributions.studentTTwoSidedP(50, degreesOfFreedom: 30),
                        1.871541765922271e-30, relative: 1e-10))
    }

    @Test func studentTLimits() {
        #expect(Distributions.studentTTwoSidedP(0, degreesOfFreedom: 7) == 1)
        #expect(Distributions.studentTTwoSidedP(.infinity, degreesOfFreedom: 7) == 0)
        // t² overflows: still an (underflowing) zero tail, not NaN.
        #expect(Distributions.studentTTwoSidedP(1e200, degreesOfFreedom: 7) == 0)
        #expect(Distributions.studentTCDF(-.infinity, degreesOfFreedom: 7) == 0)
        // Infinite degrees of freedom is the normal distribution.
        #expect(isClose(Distributions.studentTCDF(-1.5, degreesOfFreedom: .infinity),
                        Distributions.normalCDF(-1.5)))
        #expect(Distributions.studentTTwoSidedP(.nan, degreesOfFreedom: 7).isNaN)
    }
}
