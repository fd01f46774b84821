import Model
import Testing
@testable import Analysis

/// The finding of a new leak names the allocating function and its path.
@Suite struct LeakDetectorTests {
    static func size(_ leaked: Double, path: String) -> SizeResult {
        let runs = (0..<4).map { _ in
            var run = RunMeasurement(metrics: [Metric.leakedBytes.id: leaked], exit: TargetExit(code: 0),
                                     cpuSamples: 0, cpuPeriodNanoseconds: nil, functions: [], lost: [])
            if leaked > 0 { run.leaks = [path: leaked] }
            return run
        }
        return SizeResult(size: nil, runs: runs, cpuProfile: nil)
    }

    @Test func newLeakIsAnErrorNamingTheAllocatingFunction() throws {
        let path = "alloc_buffer ← process_image ← main ← __libc_start_call_main"
        let before = Self.size(0, path: path), now = Self.size(32 * 1_048_576, path: path)
        let c = ScenarioComparator.compare(baseline: [before], current: [now], thresholds: Thresholds())
        let finding = try #require(LeakDetector.detect(now, before: before, metrics: c.metrics).first)
        #expect(finding.kind == .leak)
        #expect(finding.severity == .error)
        #expect(finding.function == "alloc_buffer")
        #expect(finding.callPath == ["__libc_start_call_main", "main", "process_image", "alloc_buffer"])
        #expect(finding.summary == "alloc_buffer leaks 32.0 MiB/run, was 0 B (called from process_image ← main "
            + "← __libc_start_call_main)")
    }

    @Test func unchangedLeakFindsNothing() {
        let same = Self.size(4096, path: "cache_put ← main")
        let c = ScenarioComparator.compare(baseline: [same], current: [same], thresholds: Thresholds())
        #expect(LeakDetector.detect(same, before: same, metrics: c.metrics).isEmpty)
    }
}
