/// A deterministic pseudo-random generator, so that a bootstrap run on the same
/// data with the same seed gives the same interval and therefore the same verdict
/// on every machine and every CI rerun.
///
/// The algorithm is xoshiro256** with its state filled from the seed by
/// SplitMix64, both from Blackman & Vigna, "Scrambled linear pseudorandom number
/// generators" (ACM TOMS 47(4), 2021); SplitMix64 is Steele, Lea & Flood,
/// "Fast splittable pseudorandom number generators" (OOPSLA 2014). Neither is
/// cryptographic; both pass BigCrush, which is what resampling needs.
public struct SeededGenerator: RandomNumberGenerator, Sendable {
    private var state: (UInt64, UInt64, UInt64, UInt64)

    /// A generator whose whole output sequence is fixed by `seed`.
    public init(seed: UInt64) {
        var splitMix = seed
        self.init(state: (Self.splitMix64(&splitMix), Self.splitMix64(&splitMix),
                          Self.splitMix64(&splitMix), Self.splitMix64(&splitMix)))
    }

    /// A generator with the raw xoshiro256** state, as in the reference test vectors.
    init(state: (UInt64, UInt64, UInt64, UInt64)) {
        self.state = state
    }

    /// The next 64 random bits (xoshiro256**).
    public mutating func next() -> UInt64 {
        let result = rotateLeft(state.1 &* 5, 7) &* 9
        let shifted = state.1 << 17
        state.2 ^= state.0
        state.3 ^= state.1
        state.1 ^= state.2
        state.0 ^= state.3
        state.2 ^= shifted
        state.3 = rotateLeft(state.3, 45)
        return result
    }

    /// A uniform index in `0..<bound` by Lemire's multiply-and-reject method
    /// (Lemire, "Fast random integer generation in an interval", ACM TOMACS 29(1),
    /// 2019). Written out here rather than using `Int.random(in:using:)` so the
    /// sequence of indices cannot change with the Swift standard library.
    ///
    /// - Precondition: `bound > 0`.
    public mutating func nextIndex(below bound: Int) -> Int {
        precondition(bound > 0, "nextIndex(below:) needs a positive bound, got \(bound)")
        let range = UInt64(bound)
        var product = next().multipliedFullWidth(by: range)
        if product.low < range {
            let threshold = (0 &- range) % range
            while product.low < threshold {
                product = next().multipliedFullWidth(by: range)
            }
        }
        return Int(product.high)
    }

    /// One step of SplitMix64: advances `x` and returns a well-mixed 64-bit value.
    static func splitMix64(_ x: inout UInt64) -> UInt64 {
        x &+= 0x9E37_79B9_7F4A_7C15
        var z = x
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

private func rotateLeft(_ x: UInt64, _ k: UInt64) -> UInt64 {
    (x << k) | (x >> (64 - k))
}
