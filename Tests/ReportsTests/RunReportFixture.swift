import Analysis
import Foundation
import Model

/// A hand-made `flamegate run` result covering every outcome, built through
/// public initializers only: PASS, REGRESSED (wall time and a function),
/// FAILED (stderr with markup, quotes, a pipe, backticks and control
/// characters), INCONCLUSIVE over two sizes (with an unavailable gated metric,
/// an unavailable probe and a warning) and a scenario without a baseline.
/// The numbers are chosen, not computed, so the golden files only change
/// when the renderers do.
enum RunReportFixture {
    static let environment = EnvironmentFingerprint(kernel: "6.18.0-test", cpuModel: "Test CPU @ 3.00GHz", cores: 4,
                                                    flamegateVersion: "0.1.0")

    static func report(startedAt: Date = Date(timeIntervalSince1970: 1_700_000_000)) -> RunReport {
        var report = RunReport(startedAt: startedAt, environment: environment, shard: nil,
                               scenarios: [pass(), regressed(), failed(), inconclusive(), noBaseline()])
        report.flamegateVersion = "0.1.0"  // pinned: a version bump must not change the golden files
        return report
    }

    // MARK: scenarios

    static func pass() -> ScenarioReport {
        let run = scenarioRun("tokenize", file: "scenarios/tokenize.yaml", sizes: [size(nil, wall: 0.1234, runs: 10)])
        let comparison = ScenarioComparison(metrics: [
            metric("wall_time", "s", gated: true, 0.1231, 0.1234, ratio: 1.004, ci: (0.991, 1.018), p: 0.62),
            metric("cpu_time", "s", gated: true, 0.1102, 0.1108, ratio: 1.005, ci: (0.989, 1.021), p: 0.55),
            metric("max_rss", "KiB", gated: false, 5120, 5124, ratio: 1.001, ci: (0.998, 1.003), p: 0.81),
            metric("voluntary_switches", "count", gated: false, 3, 3.5, ratio: 1.0, ci: (0.8, 1.25), p: 0.9),
        ], functions: [
            function("next_token", "tokenize", 40.2, 41.0, 0.0495, 0.0506, p: 0.21, adjusted: 0.42, .pass),
        ])
        return scenario(run, comparison, .pass, warnings: [])
    }

    static func regressed() -> ScenarioReport {
        let run = scenarioRun("parse-request", file: "scenarios/parse.yaml", sizes: [size(nil, wall: 1.361, runs: 10)])
        let comparison = ScenarioComparison(metrics: [
            metric("max_rss", "KiB", gated: false, 10_240, 12_800, ratio: 1.25, ci: (1.2, 1.3), p: 0.00001),
            metric("wall_time", "s", gated: true, 1.234, 1.361, ratio: 1.103, ci: (1.082, 1.125), p: 0.00018,
                   verdict: .regressed),
            metric("cpu_time", "s", gated: true, 1.2, 1.22, ratio: 1.017, ci: (0.998, 1.036), p: 0.09),
        ], functions: [
            function("memcpy", "libc.so.6", 5.0, 5.6, 0.0617, 0.0762, p: 0.3, adjusted: 0.5, .pass),
            function("hot_function", "slowdown", 50.1, 52.6, 1.01, 1.111, p: 0.0002, adjusted: 0.0004, .regressed),
            function("Flags::operator|(Flags)", "libflags.so", 3.0, 1.0, 0.037, 0.0136, p: 0.001, adjusted: 0.003,
                     .improved),
            function("__parse_item_slow", "slowdown", 10.0, 12.9, 0.123, 0.1756, p: 0.04, adjusted: 0.08,
                     .inconclusive),
            function("read_input", "slowdown", 8.0, 7.1, 0.0987, 0.0966, p: 0.2, adjusted: 0.4, .pass),
            function("main", "slowdown", 99.0, 98.2, 1.2217, 1.3366, p: 0.25, adjusted: 0.4, .pass),
            function("alloc_node", "slowdown", 4.0, 4.6, 0.0494, 0.0626, p: 0.11, adjusted: 0.3, .pass),
            function("new_helper", "slowdown", 0.0, 1.9, 0.0, 0.0258, p: 0.02, adjusted: 0.06, .pass),
        ])
        return scenario(run, comparison, .regressed,
                        warnings: ["lost data: cpu.dropped_samples = 12 over 10 runs"])
    }

    static func failed() -> ScenarioReport {
        let tail = "parse error near <tag> & \"quotes\" | pipe\r\n"
            + "  at `parse_item` (```fenced```)\n"
            + "bell\u{07} escape \u{1B}[31mred\u{1B}[0m\n\n"
        let failure = ScenarioFailure(kind: .exit, message: "exit code 2, expected 0 | `parse` aborted",
                                      size: 2000, repetition: 3, stderrTail: tail)
        let run = ScenarioRun(scenario: Scenario(name: "crash", run: RunSpec(command: ["build/crash", "{size}"]),
                                                 sizes: [1000, 2000]),
                              file: "scenarios/crash.yml", environment: environment,
                              sizes: [size(1000, wall: 0.5, runs: 10), size(2000, wall: 0.25, runs: 2)],
                              failure: failure, probes: [])
        return ScenarioReport(run: run, baseline: nil)
    }

    static func inconclusive() -> ScenarioReport {
        var run = scenarioRun("alloc-heavy", file: "scenarios/alloc-heavy.yaml",
                              sizes: [size(1000, wall: 0.05, runs: 10), size(2000, wall: 0.1, runs: 10)])
        run.probes = [ProbeStatus(probe: .cpu), ProbeStatus(probe: .pmu, unavailable: "no hardware PMU")]
        let comparison = ScenarioComparison(metrics: [
            metric("wall_time", "s", size: 1000, gated: true, 0.0481, 0.05, ratio: 1.04, ci: (0.99, 1.09), p: 0.08,
                   verdict: .inconclusive),
            metric("ipc", "", size: 1000, gated: true, nil, nil, note: "unavailable: no PMU", verdict: .inconclusive),
            metric("wall_time", "s", size: 2000, gated: true, 0.0985, 0.1, ratio: 1.015, ci: (0.99, 1.04), p: 0.3),
            metric("max_rss", "KiB", size: 2000, gated: false, 2_097_152, 2_097_152, ratio: 1, ci: (1, 1), p: 1),
        ], functions: [])
        return scenario(run, comparison, .inconclusive,
                        warnings: ["baseline recorded on a different machine (cores 8 → 4): timings may not be "
                            + "comparable; update the baseline on this kind of machine"])
    }

    /// Compared with nothing: `ScenarioReport`'s own initializer makes it INCONCLUSIVE with a warning.
    static func noBaseline() -> ScenarioReport {
        ScenarioReport(run: scenarioRun("new-scenario", file: "new.yaml", sizes: [size(nil, wall: 0.002, runs: 10)]),
                       baseline: nil)
    }

    // MARK: building blocks

    static func scenario(_ run: ScenarioRun, _ comparison: ScenarioComparison, _ outcome: Outcome,
                         warnings: [String]) -> ScenarioReport {
        var report = ScenarioReport(run: run, baseline: nil)
        report.comparison = comparison
        report.outcome = outcome
        report.warnings = warnings
        return report
    }

    static func scenarioRun(_ name: String, file: String, sizes: [SizeResult]) -> ScenarioRun {
        let command = sizes.contains { $0.size != nil } ? ["build/\(name)", "{size}"] : ["build/\(name)"]
        let scenario = Scenario(name: name, run: RunSpec(command: command),
                                sizes: sizes.contains { $0.size != nil } ? sizes.compactMap(\.size) : nil)
        return ScenarioRun(scenario: scenario, file: file, environment: environment, sizes: sizes, failure: nil,
                           probes: [ProbeStatus(probe: .cpu)])
    }

    /// `runs` runs of `wall` seconds each.
    static func size(_ size: Int?, wall: Double, runs: Int) -> SizeResult {
        let run = RunMeasurement(metrics: ["wall_time": wall, "cpu_time": wall * 0.9], exit: TargetExit(code: 0),
                                 cpuSamples: 100, cpuPeriodNanoseconds: 2_004_008, functions: [], lost: [])
        return SizeResult(size: size, runs: Array(repeating: run, count: runs), cpuProfile: nil)
    }

    static func metric(_ name: String, _ unit: String, size: Int? = nil, gated: Bool, _ baseline: Double?,
                       _ current: Double?, ratio: Double, ci: (Double, Double), p: Double,
                       verdict: Verdict = .pass) -> MetricComparison {
        let comparison = ScalarComparison(ratio: ratio, ciLower: ci.0, ciUpper: ci.1, pValue: p, testMethod: .exact,
                                          verdict: verdict, tau: 0.05, alpha: 0.05, nBaseline: 10, nCurrent: 10)
        return MetricComparison(metric: name, unit: unit, size: size, gated: gated, baselineMedian: baseline,
                                currentMedian: current, comparison: comparison, verdict: verdict, note: nil)
    }

    static func metric(_ name: String, _ unit: String, size: Int? = nil, gated: Bool, _ baseline: Double?,
                       _ current: Double?, note: String, verdict: Verdict) -> MetricComparison {
        MetricComparison(metric: name, unit: unit, size: size, gated: gated, baselineMedian: baseline,
                         currentMedian: current, comparison: nil, verdict: verdict, note: note)
    }

    static func function(_ name: String, _ module: String, size: Int? = nil, _ baselineShare: Double,
                         _ currentShare: Double, _ baselineSeconds: Double, _ currentSeconds: Double, p: Double,
                         adjusted: Double, _ verdict: Verdict) -> FunctionComparison {
        FunctionComparison(name: name, module: module, size: size, baselineShare: baselineShare,
                           currentShare: currentShare, baselineSelfShare: baselineShare / 2,
                           currentSelfShare: currentShare / 2, baselineSeconds: baselineSeconds,
                           currentSeconds: currentSeconds, pValue: p, adjustedPValue: adjusted, verdict: verdict)
    }
}
