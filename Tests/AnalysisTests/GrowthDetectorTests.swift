import Model
import Testing
@testable import Analysis

/// Memory held while running, freed at exit or not.
@Suite struct GrowthDetectorTests {
    static func size(_ heights: [Double], path: String, calls: Double = 400) -> SizeResult {
        let runs = heights.map { h in
            var run = RunMeasurement(metrics: [:], exit: TargetExit(code: 0), cpuSamples: 0, cpuPeriodNanoseconds: nil,
                                     functions: [], lost: [])
            run.retained = [path: RetainedPath(peakBytes: h, calls: calls)]
            return run
        }
        return SizeResult(size: nil, runs: runs, cpuProfile: nil)
    }

    static let path = "decode_tile ← main ← __libc_start_call_main"
    static let mib = 1_048_576.0

    @Test func aPathHoldingMoreInEveryRunIsGrowth() throws {
        let before = Self.size([0.5, 0.5, 0.5].map { $0 * Self.mib }, path: Self.path)
        let now = Self.size([25, 25, 25].map { $0 * Self.mib }, path: Self.path)
        let f = try #require(GrowthDetector.detect(now, before: before, allowance: Self.mib).first)
        #expect(f.kind == .growth && f.severity == .error && f.function == "decode_tile")
        #expect(f.callPath == ["__libc_start_call_main", "main", "decode_tile"])
        #expect(f.summary == "decode_tile holds up to 25.0 MiB/run while the program runs, was 512 KiB "
            + "(64 KiB per allocation, 400 allocations/run) (called from main ← __libc_start_call_main)", "\(f.summary)")
    }

    @Test func withinTheAllowanceOrNotInEveryRunIsNot() {
        let before = Self.size([0.5, 0.5, 0.5].map { $0 * Self.mib }, path: Self.path)
        // +0.9 MiB: under the 1 MiB allowance
        #expect(GrowthDetector.detect(Self.size([1.4, 1.4, 1.4].map { $0 * Self.mib }, path: Self.path),
                                      before: before, allowance: Self.mib).isEmpty)
        // one run as low as the base: not every run grew
        #expect(GrowthDetector.detect(Self.size([25, 0.5, 25].map { $0 * Self.mib }, path: Self.path),
                                      before: before, allowance: Self.mib).isEmpty)
        // no base: nothing to compare with
        #expect(GrowthDetector.detect(Self.size([25, 25].map { $0 * Self.mib }, path: Self.path),
                                      before: nil, allowance: Self.mib).isEmpty)
    }
}
