import Model
import Testing
@testable import Analysis

/// The per-scenario comparison rules.
@Suite struct ScenarioComparatorTests {
    /// Runs with a wall time and two functions whose inclusive samples are given per run.
    static func size(walls: [Double], hot: [UInt64], other: [UInt64], size: Int? = nil) -> SizeResult {
        let runs = zip(walls, zip(hot, other)).map { wall, counts in
            RunMeasurement(metrics: ["wall_time": wall, "cpu_time": wall, "max_rss": 1000,
                                     "voluntary_switches": 1, "involuntary_switches": 2],
                           exit: TargetExit(code: 0), cpuSamples: counts.0 + counts.1,
                           cpuPeriodNanoseconds: 1_000_000,
                           functions: [FunctionSamples(name: "main", module: "app", selfSamples: 0,
                                                       inclusiveSamples: counts.0 + counts.1),
                                       FunctionSamples(name: "hot", module: "app", selfSamples: counts.0,
                                                       inclusiveSamples: counts.0),
                                       FunctionSamples(name: "other", module: "app", selfSamples: counts.1,
                                                       inclusiveSamples: counts.1)],
                           lost: [])
        }
        return SizeResult(size: size, runs: runs, cpuProfile: nil)
    }

    static let jitter: [Double] = [0.0, 0.004, -0.003, 0.006, -0.005, 0.002, -0.001, 0.003, -0.004, 0.001]

    static func baseline() -> SizeResult {
        size(walls: jitter.map { 1.0 + $0 }, hot: jitter.map { UInt64(800 + $0 * 1000) },
             other: jitter.map { UInt64(200 - $0 * 500) })
    }

    @Test func unchangedRunsPass() {
        let c = ScenarioComparator.compare(baseline: [Self.baseline()], current: [Self.baseline()], thresholds: Thresholds())
        #expect(c.verdict == .pass)
        #expect(c.metrics.filter(\.gated).allSatisfy { $0.verdict == .pass })
        #expect(c.functions.isEmpty, "no function moved by 0.5 pp")
    }

    /// A metric that is zero in most runs cannot be a ratio: the note says
    /// so in words, not as the statistics' precondition.
    @Test func aMostlyZeroMetricIsExplainedInWords() {
        var before = Self.baseline(), after = Self.baseline()
        for i in before.runs.indices { before.runs[i].metrics["offcpu.time"] = 0 }
        for i in after.runs.indices { after.runs[i].metrics["offcpu.time"] = i < 4 ? 0.5 : 0 }
        let c = ScenarioComparator.compare(baseline: [before], current: [after], thresholds: Thresholds())
        let row = c.metrics.first { $0.metric == "offcpu.time" }
        #expect(row?.note == "not evaluated: none in the baseline (0 s in most runs): a ratio needs a value on both sides",
                "\(String(describing: row?.note))")
        #expect(row?.gated == false)
    }

    /// A 15 ms program sampled at 499 Hz: 3–11 samples a run. A function's
    /// share of so few is no proportion a t-test can judge — 1 sample of 5
    /// against 3 of 5 is 20% → 60% — so it is not tested at all; the same
    /// shift with 50 samples a run is.
    @Test func functionsWithAHandfulOfSamplesPerRunAreNotJudged() {
        let walls = Array(repeating: 0.015, count: 10)
        let before = Self.size(walls: walls, hot: [1, 2, 1, 1, 2, 1, 1, 2, 1, 1], other: [4, 3, 4, 4, 3, 4, 4, 3, 4, 4])
        let after = Self.size(walls: walls, hot: [3, 3, 2, 3, 4, 3, 2, 3, 3, 4], other: [2, 2, 3, 2, 1, 2, 3, 2, 2, 1])
        let few = ScenarioComparator.functionCandidates(before, after, paired: true)
        #expect(!few.contains { $0.comparison.name == "hot" }, "\(few.map(\.comparison.name))")
        let scaled = { (s: [UInt64]) in s.map { $0 * 10 } }
        let many = ScenarioComparator.functionCandidates(
            Self.size(walls: walls, hot: scaled([1, 2, 1, 1, 2, 1, 1, 2, 1, 1]), other: scaled([4, 3, 4, 4, 3, 4, 4, 3, 4, 4])),
            Self.size(walls: walls, hot: scaled([3, 3, 2, 3, 4, 3, 2, 3, 3, 4]), other: scaled([2, 2, 3, 2, 1, 2, 3, 2, 2, 1])),
            paired: true)
        #expect(many.contains { $0.comparison.name == "hot" })
    }

    @Test func slowerHotFunctionRegressesAndIsNamed() {
        // hot does 10% more work: 800 -> 880 samples, wall 1.0 -> 1.08
        let now = Self.size(walls: Self.jitter.reversed().map { 1.08 + $0 },
                            hot: Self.jitter.reversed().map { UInt64(880 + $0 * 1000) },
                            other: Self.jitter.reversed().map { UInt64(200 - $0 * 500) })
        let c = ScenarioComparator.compare(baseline: [Self.baseline()], current: [now], thresholds: Thresholds())
        #expect(c.verdict == .regressed)
        #expect(c.metrics.first { $0.metric == "wall_time" }?.verdict == .regressed)
        let hot = try! #require(c.functions.first { $0.name == "hot" })
        #expect(hot.verdict == .regressed)
        #expect(abs(hot.timeRatio! - 1.10) < 0.01)
        #expect(hot.deltaPoints > 1 && hot.deltaPoints < 2, "share rises only ~1.5 pp: the time gate decides")
        #expect(c.functions.first { $0.name == "other" }?.verdict == .pass, "its share fell but its time did not")
        #expect(!c.functions.contains { $0.name == "main" }, "main is 100% on both sides")
    }

    @Test func slowerFunctionIsNamedEvenOnAFasterMachine() {
        // hot does 10% more work but the machine is 5% faster: its absolute time
        // rises only ~4.5%, its cost relative to the rest of the program by 10%
        let now = Self.size(walls: Self.jitter.map { 1.0 + $0 }, hot: Self.jitter.map { UInt64(836 + $0 * 1000) },
                            other: Self.jitter.map { UInt64(190 - $0 * 500) })
        let c = ScenarioComparator.compare(baseline: [Self.baseline()], current: [now], thresholds: Thresholds())
        let hot = try! #require(c.functions.first { $0.name == "hot" })
        #expect(hot.verdict == .regressed, "odds ratio \(hot.oddsRatio), time ratio \(hot.timeRatio!)")
        #expect(c.functions.first { $0.name == "other" }?.verdict != .regressed)
    }

    @Test func aFunctionNearAllTheSamplesIsNotBlamedForATinyDrift() {
        // 88.5% → 91% of the samples (odds ×1.3) but only +0.4% of its own time
        let base = Self.size(walls: Self.jitter.map { 1.0 + $0 }, hot: Self.jitter.map { UInt64(885 + $0 * 100) },
                             other: Self.jitter.map { UInt64(115 - $0 * 50) })
        let now = Self.size(walls: Self.jitter.map { 1.0 + $0 }, hot: Self.jitter.map { UInt64(889 + $0 * 100) },
                            other: Self.jitter.map { UInt64(88 - $0 * 50) })
        let c = ScenarioComparator.compare(baseline: [base], current: [now], thresholds: Thresholds())
        let hot = try! #require(c.functions.first { $0.name == "hot" })
        #expect(hot.oddsRatio > 1.2)
        #expect(hot.verdict != .regressed)
    }

    @Test func aSmallFunctionMustCostAPercentOfTheProgram() {
        // the rest of the program got 3× faster; a start-up function of 20 samples
        // took 25 — its share and odds soar but +5 ms is 0.5% of the 1 s baseline.
        // The same function taking 40 (+2% of the program) is a regression.
        let base = Self.size(walls: Self.jitter.map { 1.0 + $0 }, hot: Self.jitter.map { UInt64(20 + $0 * 100) },
                             other: Self.jitter.map { UInt64(980 - $0 * 500) })
        func now(_ hot: UInt64) -> SizeResult {
            Self.size(walls: Self.jitter.map { 0.35 + $0 }, hot: Self.jitter.map { UInt64(Double(hot) + $0 * 100) },
                      other: Self.jitter.map { UInt64(330 - $0 * 500) })
        }
        let tiny = ScenarioComparator.compare(baseline: [base], current: [now(25)], thresholds: Thresholds())
        let small = try! #require(tiny.functions.first { $0.name == "hot" })
        #expect(small.oddsRatio > 3 && small.adjustedPValue < 0.05)
        #expect(small.verdict == .pass, "\(small.deltaSeconds) s/run")
        let real = ScenarioComparator.compare(baseline: [base], current: [now(40)], thresholds: Thresholds())
        #expect(real.functions.first { $0.name == "hot" }?.verdict == .regressed)
    }

    @Test func sizesAreOneFamilyOfTests() {
        // hot 10% slower at two sizes: each size's p-value is adjusted over both
        let now = { (size: Int) in Self.size(walls: Self.jitter.reversed().map { 1.08 + $0 },
                                             hot: Self.jitter.reversed().map { UInt64(880 + $0 * 1000) },
                                             other: Self.jitter.reversed().map { UInt64(200 - $0 * 500) }, size: size) }
        let base = { (size: Int) in var b = Self.baseline(); b.size = size; return b }
        let c = ScenarioComparator.compare(baseline: [base(1), base(2)], current: [now(1), now(2)], thresholds: Thresholds())
        let raw = c.functions.map(\.pValue)
        #expect(c.functions.count >= 4, "hot and other at both sizes")
        #expect(c.functions.map(\.adjustedPValue) == BenjaminiHochberg.adjust(raw))
        #expect(c.functions.filter { $0.name == "hot" }.allSatisfy { $0.verdict == .regressed })
    }

    @Test func kernelFunctionsInformButDoNotGate() {
        // the same 10% rise, once in the program's code and once in a kernel function
        func sizes(module: String) -> (SizeResult, SizeResult) {
            var before = Self.baseline(), after = Self.size(walls: Self.jitter.map { 1.0 + $0 },
                                                             hot: Self.jitter.map { UInt64(880 + $0 * 1000) },
                                                             other: Self.jitter.map { UInt64(200 - $0 * 500) })
            for i in before.runs.indices { before.runs[i].functions[1].module = module }
            for i in after.runs.indices { after.runs[i].functions[1].module = module }
            return (before, after)
        }
        let (kb, ka) = sizes(module: "[kernel]")
        let kernel = ScenarioComparator.compare(baseline: [kb], current: [ka], thresholds: Thresholds())
        let f = try! #require(kernel.functions.first { $0.name == "hot" })
        #expect(f.verdict == .regressed && !f.gates)
        #expect(kernel.verdict != .regressed, "wall and cpu time unchanged: only a kernel function rose")
        let (ub, ua) = sizes(module: "app")
        #expect(ScenarioComparator.compare(baseline: [ub], current: [ua], thresholds: Thresholds()).verdict == .regressed)
        #expect(FunctionComparison.gatesModule("[vdso]") && !FunctionComparison.gatesModule("[bpf]")
                && !FunctionComparison.gatesModule("[ext4]") && FunctionComparison.gatesModule("libc.so.6")
                && !FunctionComparison.gatesModule("ld-linux-x86-64.so.2"))
    }

    @Test func aSlowerMachineExplainsASlowerRunUpToTheThreshold() {
        // the calibration loop took 15% longer right before every current run
        func runs(wall: Double, calibration: Double, hotExtra: Double = 0) -> SizeResult {
            var r = Self.size(walls: Self.jitter.map { wall + $0 },
                              hot: Self.jitter.map { UInt64(800 * (wall + hotExtra) + $0 * 1000) },
                              other: Self.jitter.map { UInt64(200 * wall - $0 * 500) })
            for i in r.runs.indices { r.runs[i].metrics[Metric.calibration.id] = calibration * (1 + Self.jitter[i]) }
            return r
        }
        let before = runs(wall: 1.0, calibration: 0.010)
        func wall(_ now: SizeResult) -> MetricComparison {
            ScenarioComparator.compare(baseline: [before], current: [now], thresholds: Thresholds())
                .metrics.first { $0.metric == "wall_time" }!
        }
        // 12% slower on a 15% slower machine: not judged, and the reason says so
        let explained = wall(runs(wall: 1.12, calibration: 0.0115))
        #expect(explained.verdict == .inconclusive)
        #expect(explained.note?.contains("machine was 15.0% slower") == true, "\(explained.note ?? "")")
        // the same 12% on an unchanged machine, and 30% on the slower one, are regressions
        #expect(wall(runs(wall: 1.12, calibration: 0.010)).verdict == .regressed)
        #expect(wall(runs(wall: 1.30, calibration: 0.0115)).verdict == .regressed)
        // a 2% slower machine (within the loop's noise) excuses nothing
        #expect(wall(runs(wall: 1.12, calibration: 0.0102)).verdict == .regressed)
        // a function 12% slower on the 15% slower machine is not blamed either
        let c = ScenarioComparator.compare(baseline: [before], current: [runs(wall: 1.12, calibration: 0.0115, hotExtra: 0.02)],
                                           thresholds: Thresholds())
        #expect(c.functions.first { $0.name == "hot" }?.verdict != .regressed)
        #expect(c.verdict != .regressed)
        // a loop that swings ±25% from run to run says nothing at a 5% threshold,
        // even when its median moved 15%
        let noisy = Self.jitter.map { 1 + $0 * 50 }
        var swinging = runs(wall: 1.12, calibration: 0.0115)
        for i in swinging.runs.indices { swinging.runs[i].metrics[Metric.calibration.id] = 0.0115 * noisy[(i + 3) % 10] }
        #expect(wall(swinging).verdict == .regressed, "\(wall(swinging).note ?? "")")
    }

    @Test func aLargeMoveWithoutEvidenceIsNotInconclusive() {
        func f(p: Double) -> FunctionComparison {
            FunctionComparison(name: "parse_json", module: "app", size: nil, baselineShare: 57.8, currentShare: 54.3,
                               baselineSelfShare: 50, currentSelfShare: 47, baselineSeconds: 0.0074, currentSeconds: 0.0064,
                               pValue: p, adjustedPValue: min(1, p * 3), verdict: .pass)
        }
        #expect(ScenarioComparator.verdict(f(p: 0.69), Thresholds(), baselineTotalSeconds: 0.017) == .pass)
        #expect(ScenarioComparator.verdict(f(p: 0.08), Thresholds(), baselineTotalSeconds: 0.017) == .inconclusive)
    }

    @Test func uniformMachineSlowdownDoesNotBlameFunctions() {
        // everything 10% slower: shares unchanged
        let now = Self.size(walls: Self.jitter.map { 1.10 + $0 }, hot: Self.jitter.map { UInt64(880 + $0 * 1100) },
                            other: Self.jitter.map { UInt64(220 - $0 * 550) })
        let c = ScenarioComparator.compare(baseline: [Self.baseline()], current: [now], thresholds: Thresholds())
        #expect(c.metrics.first { $0.metric == "wall_time" }?.verdict == .regressed)
        #expect(c.functions.allSatisfy { $0.verdict == .pass })
    }

    @Test func functionsBelowTwentySamplesAreNotTested() {
        let small = Self.size(walls: [1, 1.01, 0.99], hot: [5, 6, 5], other: [2, 2, 3])
        let bigger = Self.size(walls: [1, 1.01, 0.99], hot: [6, 7, 6], other: [1, 1, 1])
        let c = ScenarioComparator.compare(baseline: [small], current: [bigger], thresholds: Thresholds())
        #expect(c.functions.isEmpty)
    }

    @Test func missingSizeInBaselineIsInconclusive() {
        let c = ScenarioComparator.compare(baseline: [Self.baseline()],
                                           current: [Self.size(walls: [1, 1], hot: [1, 1], other: [1, 1], size: 100)],
                                           thresholds: Thresholds())
        #expect(c.verdict == .inconclusive)
        #expect(c.metrics.first?.note?.contains("no size 100") == true)
    }

    @Test func unavailableMetricIsNotAZero() {
        var now = Self.baseline()
        for i in now.runs.indices {
            now.runs[i].metrics["wall_time"] = nil
            now.runs[i].unavailable["wall_time"] = "no clock"
        }
        let c = ScenarioComparator.compare(baseline: [Self.baseline()], current: [now], thresholds: Thresholds())
        let wall = c.metrics.first { $0.metric == "wall_time" }
        #expect(wall?.note == "not evaluated: no clock", "a threshold that cannot be checked")
        #expect(wall?.verdict == .inconclusive)
        #expect(wall?.currentMedian == nil)
    }

    @Test func verdictsCombineBySeverity() {
        #expect(Verdict.combine([.pass, .improved]) == .improved)
        #expect(Verdict.combine([.improved, .inconclusive]) == .inconclusive)
        #expect(Verdict.combine([.inconclusive, .regressed, .pass]) == .regressed)
        #expect(Verdict.combine([]) == .pass)
    }
}
