import Model

/// Compares a scenario's current runs with its baseline, size by size:
/// scalar metrics with `ScalarComparison` (two gates), functions with Welch's
/// t-test on per-run inclusive shares and Benjamini-Hochberg across the
/// functions of every size.
public enum ScenarioComparator {
    /// How the two sides were measured, and at what level to test them.
    public struct Design: Codable, Sendable, Equatable {
        /// Run i of the baseline and run i of the current side were measured
        /// as a pair, one right after the other (`flamegate run --base`).
        public var paired: Bool
        /// The significance level of this look (α of a sequential plan's look,
        /// see `AlphaSpending`); also the false-discovery rate of functions.
        public var alpha: Double

        public init(paired: Bool = false, alpha: Double = 0.05) {
            self.paired = paired
            self.alpha = alpha
        }

        public static let unpaired = Design()
    }


    /// Test rules for functions (TheGate.md, "How the verdict is reached").
    public static let minimumSamples: UInt64 = 20
    /// A function's share of one run is a binomial proportion, which the
    /// t-tests treat as roughly normal only from about 5 expected samples
    /// (the usual np ≥ 5 rule): a function with fewer per run, on both
    /// sides, is not tested. journal-writer's good form against itself took
    /// 3–11 samples a run, and `append_record`'s 0–5 read as 24.8% → 51.1%,
    /// p = 0.003 — a hotspot in an unchanged program.
    public static let minimumSamplesPerRun = 5.0
    public static let minimumChangePoints = 0.5
    public static let falseDiscoveryRate = 0.05
    /// Below it (unadjusted) a large, not significant move of a function is INCONCLUSIVE; above, PASS.
    public static let suggestiveP = 0.2

    public static func compare(baseline: [SizeResult], current: [SizeResult], thresholds: Thresholds,
                               seed: UInt64 = ScalarComparison.defaultSeed, design: Design = .unpaired)
        -> ScenarioComparison {
        var metrics: [MetricComparison] = []
        var candidates: [Candidate] = []
        for now in current {
            guard let before = baseline.first(where: { $0.size == now.size }) else {
                metrics.append(MetricComparison(metric: Metric.wallTime.id, unit: "s", size: now.size, gated: true,
                                                baselineMedian: nil, currentMedian: Descriptive.median(now.values(Metric.wallTime.id)),
                                                comparison: nil, verdict: .inconclusive,
                                                note: "the baseline has no size \(now.size.map(String.init) ?? "-"): update it"))
                continue
            }
            var ids = Set<String>()
            for run in before.runs + now.runs { ids.formUnion(run.metrics.keys); ids.formUnion(run.unavailable.keys) }
            for id in Metric.ordered(ids) {
                let metric = Metric.named(id) ?? Metric(id: id, unit: "", threshold: nil, description: id)
                // a metric that is zero in every run on both sides says nothing
                let values = before.values(id) + now.values(id)
                if !values.isEmpty, values.allSatisfy({ $0 == 0 }),
                   !now.runs.contains(where: { $0.unavailable[id] != nil }) { continue }
                metrics.append(compareMetric(metric, before, now, thresholds, seed, design))
            }
            explainByContention(&metrics, size: now.size)
            explainByDiskSpeed(&metrics, size: now.size)
            let machine = machineFactor(metrics, size: now.size, tau: thresholds.cpuTime)
            explainByMachineSpeed(&metrics, size: now.size, factor: machine)
            candidates += functionCandidates(before, now, paired: design.paired, thresholds: thresholds).map { ($0.comparison, $0.baselineTotalSeconds, machine) }
        }
        return ScenarioComparison(metrics: metrics, functions: judge(candidates, thresholds, rate: design.alpha))
    }

    static func compareMetric(_ metric: Metric, _ before: SizeResult, _ now: SizeResult, _ thresholds: Thresholds,
                              _ seed: UInt64, _ design: Design = .unpaired) -> MetricComparison {
        let pairs = design.paired ? Self.pairs(metric.id, before, now) : nil
        let a = pairs?.map(\.0) ?? before.values(metric.id), b = pairs?.map(\.1) ?? now.values(metric.id)
        let tau = metric.threshold.map(thresholds.tau) ?? 0.05
        var result = MetricComparison(metric: metric.id, unit: metric.unit, size: now.size,
                                      gated: metric.threshold != nil, baselineMedian: Descriptive.median(a),
                                      currentMedian: Descriptive.median(b), comparison: nil, verdict: .pass,
                                      note: nil)
        if let reason = unavailableReason(metric.id, before, now) {
            // a threshold that must hold but cannot be checked is inconclusive, never a pass;
            // an optional one (a default ipc on a machine without PMU) just shows why
            let required = metric.threshold.map(thresholds.requires) ?? false
            result.gated = required
            result.note = (required ? "not evaluated: " : "unavailable: ") + reason
            result.verdict = required ? .inconclusive : .pass
            return result
        }
        // counted with an absolute allowance, not a ratio (see ExactComparison)
        if metric.threshold == .leakedBytes {
            ExactComparison.apply(to: &result, before, now, allowance: tau)
            return result
        }
        do {
            let (x, y) = Self.zeroFloored(a, b)
            let compare: ([Double], [Double]) throws -> ScalarComparison = pairs != nil
                ? { try ScalarComparison.comparePaired(baseline: $0, current: $1, tau: tau, alpha: design.alpha) }
                : { try ScalarComparison.compare(baseline: $0, current: $1, tau: tau, seed: seed) }
            let c = metric.higherIsBetter
                ? try compare(x.map { 1 / $0 }, y.map { 1 / $0 }).reciprocal
                : try compare(x, y)
            result.comparison = c
            result.verdict = c.verdict
        } catch let AnalysisError.notPositive(sample, _, value) where value == 0 {
            // what the user needs to hear, not the statistics' precondition
            let side = sample == "current" ? "change" : "baseline"
            result.note = "not evaluated: none in the \(side) (0\(metric.unit.isEmpty ? "" : " " + metric.unit) in most runs): "
                + "a ratio needs a value on both sides"
        } catch {
            result.note = "not evaluated: \(error)"
        }
        return result
    }

    /// The metric's values pair by pair (run i of each side), leaving out a
    /// pair where either run lacks it; nil when the sides ran different numbers
    /// of runs (they were not measured in pairs).
    static func pairs(_ id: String, _ before: SizeResult, _ now: SizeResult) -> [(Double, Double)]? {
        guard before.runs.count == now.runs.count else { return nil }
        return zip(before.runs, now.runs).compactMap { a, b in
            guard let x = a.metrics[id], let y = b.metrics[id] else { return nil }
            return (x, y)
        }
    }

    /// Why a metric has no values: the current runs' reason, else the baseline's.
    static func unavailableReason(_ id: String, _ before: SizeResult, _ now: SizeResult) -> String? {
        if let reason = now.runs.lazy.compactMap({ $0.unavailable[id] }).first { return reason }
        return before.runs.lazy.compactMap { $0.unavailable[id] }.first.map { "the baseline could not measure it: \($0)" }
    }

    /// A longer wall time that the run-queue wait explains is the machine
    /// being busier (other jobs on its CPUs), not the code being slower: when
    /// the off-CPU time spent runnable rose by at least half the rise in wall
    /// time, wall_time becomes INCONCLUSIVE with that reason.
    static func explainByContention(_ metrics: inout [MetricComparison], size: Int?) {
        guard let w = metrics.firstIndex(where: { $0.metric == Metric.wallTime.id && $0.size == size }),
              metrics[w].verdict == .regressed,
              let queued = metrics.named(WaitCategory.runnable.metricID, size: size),
              let wallNow = metrics[w].currentMedian, let wallBefore = metrics[w].baselineMedian,
              let queuedNow = queued.currentMedian else { return }
        let rise = wallNow - wallBefore, queueRise = queuedNow - (queued.baselineMedian ?? 0)
        guard rise > 0, queueRise >= 0.5 * rise else { return }
        metrics[w].verdict = .inconclusive
        metrics[w].note = String(format: "not judged: the run-queue wait rose %.1f ms/run of the %.1f ms/run wall-time rise "
            + "— the machine was busier, not the code slower", queueRise * 1e3, rise * 1e3)
    }

    /// The same for a slower disk: a longer wall time is the shared virtual
    /// disk, not the code, when the block I/O wait rose by at least half the
    /// rise in wall time while the program issued the same number of block
    /// requests (`io.block_requests` not regressed) and each took longer
    /// (`io.block_p50` regressed). Seen in an A/A run of journal-writer: wall
    /// ×1.24 with 37 requests on both sides and their median latency ×1.27. A
    /// program that syncs more often issues more requests and stays REGRESSED.
    static func explainByDiskSpeed(_ metrics: inout [MetricComparison], size: Int?) {
        guard let w = metrics.firstIndex(where: { $0.metric == Metric.wallTime.id && $0.size == size }),
              metrics[w].verdict == .regressed,
              let wait = metrics.named(WaitCategory.io.metricID, size: size), let waitNow = wait.currentMedian,
              let requests = metrics.named(Metric.blockRequests.id, size: size), requests.verdict != .regressed,
              requests.comparison != nil,
              let latency = metrics.named(Metric.blockP50.id, size: size), latency.verdict == .regressed,
              let wallNow = metrics[w].currentMedian, let wallBefore = metrics[w].baselineMedian else { return }
        let rise = wallNow - wallBefore, waitRise = waitNow - (wait.baselineMedian ?? 0)
        guard rise > 0, waitRise >= 0.5 * rise else { return }
        metrics[w].verdict = .inconclusive
        metrics[w].note = String(format: "not judged: the block I/O wait rose %.1f ms/run of the %.1f ms/run wall-time "
            + "rise with as many requests, each slower (median ×%.2f) — the disk was slower, not the code",
            waitRise * 1e3, rise * 1e3, latency.comparison?.ratio ?? (latency.currentMedian ?? 0) / (latency.baselineMedian ?? 1))
    }

    /// How much slower the machine was than for the baseline: the ratio of the
    /// calibration loop's medians (`machine.calibration`, timed right before
    /// every run), when it exceeds 1 + τ/2; else 1 (a smaller difference is the
    /// loop's own noise, and excusing it would hide real regressions). Nor is
    /// a factor used that is known less precisely than the threshold it would
    /// move: when the calibration ratio's 95% CI is wider than 2τ. On a noisy
    /// host the loop read 11-19 ms from one run to the next (CI [1.034, 1.219])
    /// while the program it stood for varied by 2%, and its median ratio of
    /// 1.12 turned a real 8% regression INCONCLUSIVE.
    static func machineFactor(_ metrics: [MetricComparison], size: Int?, tau: Double) -> Double {
        guard let c = metrics.named(Metric.calibration.id, size: size),
              let now = c.currentMedian, let before = c.baselineMedian, before > 0,
              let interval = c.comparison, interval.ratio > 0,
              (interval.ciUpper - interval.ciLower) / interval.ratio <= 2 * tau else { return 1 }
        let r = now / before
        return r > 1 + tau / 2 ? r : 1
    }

    /// A time that rose no more than the machine slowed down is the machine,
    /// not the code (a neighbour sharing the core, a lower host clock — which
    /// raise CPU time too, unlike run-queue waits): a REGRESSED wall or CPU
    /// time whose interval does not clear `factor`·(1 + τ) becomes INCONCLUSIVE
    /// with that reason.
    static func explainByMachineSpeed(_ metrics: inout [MetricComparison], size: Int?, factor: Double) {
        guard factor > 1 else { return }
        for i in metrics.indices where metrics[i].size == size && metrics[i].verdict == .regressed
            && [Metric.wallTime.id, Metric.cpuTime.id].contains(metrics[i].metric) {
            guard let c = metrics[i].comparison, c.ciLower <= factor * (1 + c.tau) else { continue }
            metrics[i].verdict = .inconclusive
            metrics[i].note = String(format: "not judged: the machine was %.1f%% slower than for the baseline "
                + "(calibration loop), and the rise (×%.3f, 95%% CI from ×%.3f) does not clear that by the threshold",
                (factor - 1) * 100, c.ratio, c.ciLower)
        }
    }

    /// Ratios need positive values: when some runs measured 0 (no lock waits
    /// in the baseline, say), zeros become 1% of the larger median, so going
    /// from nothing to something reads as a large ratio whose significance
    /// the rank test still decides.
    static func zeroFloored(_ a: [Double], _ b: [Double]) -> ([Double], [Double]) {
        guard (a + b).contains(where: { $0 <= 0 }) else { return (a, b) }
        let floor = 0.01 * max(Descriptive.median(a) ?? 0, Descriptive.median(b) ?? 0)
        guard floor > 0 else { return (a, b) }
        return (a.map { max($0, floor) }, b.map { max($0, floor) })
    }

    struct FunctionKey: Hashable {
        let name: String
        let module: String
    }

    /// Per-run inclusive and self shares (percent) and inclusive seconds of every function.
    static func perRun(_ size: SizeResult) -> [FunctionKey: (shares: [Double], selfShares: [Double], seconds: [Double], samples: UInt64)] {
        var table: [FunctionKey: (shares: [Double], selfShares: [Double], seconds: [Double], samples: UInt64)] = [:]
        let runs = size.runs.filter { $0.cpuSamples > 0 }
        for (i, run) in runs.enumerated() {
            let total = Double(run.cpuSamples)
            let period = Double(run.cpuPeriodNanoseconds ?? 0) / 1e9
            for f in run.functions {
                let key = FunctionKey(name: f.name, module: f.module)
                var entry = table[key] ?? (Array(repeating: 0, count: runs.count), Array(repeating: 0, count: runs.count),
                                           Array(repeating: 0, count: runs.count), 0)
                entry.shares[i] = Double(f.inclusiveSamples) * 100 / total
                entry.selfShares[i] = Double(f.selfSamples) * 100 / total
                entry.seconds[i] = Double(f.inclusiveSamples) * period
                entry.samples += f.inclusiveSamples
                table[key] = entry
            }
        }
        return table
    }

    /// Every size's functions are one family of tests: the scenario fails if
    /// any of them regressed, so Benjamini-Hochberg adjusts across all sizes
    /// together (a sweep of four sizes tests four times as many functions).
    typealias Candidate = (comparison: FunctionComparison, baselineTotalSeconds: Double, machineFactor: Double)

    static func judge(_ candidates: [Candidate], _ thresholds: Thresholds, rate: Double = falseDiscoveryRate)
        -> [FunctionComparison] {
        let adjusted = BenjaminiHochberg.adjust(candidates.map(\.comparison.pValue))
        return candidates.enumerated().map { i, c in
            var f = c.comparison
            f.adjustedPValue = adjusted[i]
            f.verdict = verdict(f, thresholds, baselineTotalSeconds: c.baselineTotalSeconds,
                                machineFactor: c.machineFactor, rate: rate)
            return f
        }.sorted { abs($0.deltaPoints) > abs($1.deltaPoints) }
    }

    /// The functions of one size that moved enough to test, with their raw p-values.
    /// A function is tested when its share moved by `minimumChangePoints`, or
    /// when it moved enough for `verdict` to call it a regression by the odds
    /// rule: odds ratio beyond 1 ± `cpu_time` and a time change of at least
    /// `function_share`/2 of the program's CPU time. Without the second way a
    /// hot function at 80% that does 2% more work (+0.3 points, odds ×1.02)
    /// was never tested against a 1% threshold, however many pairs showed it.
    /// Paired sides (run i of each measured together) use the paired t-test on
    /// the per-pair share differences, when every run of both has samples.
    static func functionCandidates(_ before: SizeResult, _ now: SizeResult, paired: Bool = false,
                                   thresholds: Thresholds = Thresholds())
        -> [(comparison: FunctionComparison, baselineTotalSeconds: Double)] {
        let a = perRun(before), b = perRun(now)
        let nA = before.runs.filter { $0.cpuSamples > 0 }.count, nB = now.runs.filter { $0.cpuSamples > 0 }.count
        let pairwise = paired && nA == before.runs.count && nB == now.runs.count && nA == nB
        guard nA >= 2, nB >= 2 else { return [] }
        let zeros = { (n: Int) in (shares: [Double](repeating: 0, count: n), selfShares: [Double](repeating: 0, count: n),
                                   seconds: [Double](repeating: 0, count: n), samples: UInt64(0)) }
        let total = Descriptive.mean(before.runs.filter { $0.cpuSamples > 0 }.map {
            Double($0.cpuSamples) * Double($0.cpuPeriodNanoseconds ?? 0) / 1e9 }) ?? 0
        var candidates: [FunctionComparison] = []
        // entry frames (_start, start_thread) hold the program's whole CPU time: cpu_time judges it
        for key in Set(a.keys).union(b.keys).sorted(by: { ($0.name, $0.module) < ($1.name, $1.module) })
            where !Frame.isEntryRoot(key.name) {
            let x = a[key] ?? zeros(nA), y = b[key] ?? zeros(nB)
            guard max(x.samples, y.samples) >= minimumSamples,
                  max(Double(x.samples) / Double(nA), Double(y.samples) / Double(nB)) >= minimumSamplesPerRun else { continue }
            let meanA = Descriptive.mean(x.shares) ?? 0, meanB = Descriptive.mean(y.shares) ?? 0
            var f = FunctionComparison(
                name: key.name, module: key.module, size: now.size, baselineShare: meanA, currentShare: meanB,
                baselineSelfShare: Descriptive.mean(x.selfShares) ?? 0, currentSelfShare: Descriptive.mean(y.selfShares) ?? 0,
                baselineSeconds: Descriptive.mean(x.seconds) ?? 0, currentSeconds: Descriptive.mean(y.seconds) ?? 0,
                pValue: 1, adjustedPValue: 1, verdict: .pass)
            let limit = 1 + thresholds.cpuTime
            let oddsMoved = (f.oddsRatio >= limit || f.oddsRatio <= 1 / limit)
                && abs(f.deltaSeconds) >= thresholds.functionSharePoints / 200 * total
            // the test only for the functions that moved enough to be judged
            guard abs(meanB - meanA) >= minimumChangePoints || oddsMoved,
                  let test = pairwise ? PairedT.test(zip(x.shares, y.shares).map { $1 - $0 })
                      : Welch.test(x.shares, y.shares) else { continue }
            f.pValue = test.pValue
            f.adjustedPValue = test.pValue
            candidates.append(f)
        }
        return candidates.map { ($0, total) }
    }

    /// Significant (BH-adjusted p < q) and practically large. "Large" is a share
    /// rise of `function_share` points, or an odds ratio share/(1−share) of at
    /// least 1+`cpu_time`: the function's cost relative to the rest of the
    /// program, which a uniformly faster or slower machine does not move (a
    /// 10% slower function that is 80% of the program has odds ratio 1.10
    /// while its share rises only 1.5 points). A regression must also cost
    /// at least half of `cpu_time` more absolute time (so a function near 100%
    /// of the samples, whose odds swing with any change in the small rest, is
    /// not blamed for a +0.4% drift) and at least half of `function_share` of
    /// the baseline's whole CPU time per run (1% by default: `_dl_start` taking
    /// +20 µs in a 20 ms program is no finding, however large its odds ratio
    /// when the rest of the program shrank); an improvement must save at least `cpu_time` of
    /// absolute time — the rest of the program getting slower lowers a
    /// function's share and odds without improving it. A large move that is
    /// not significant is inconclusive when its raw p is below `suggestiveP`.
    static func verdict(_ f: FunctionComparison, _ t: Thresholds, baselineTotalSeconds: Double,
                        machineFactor: Double = 1, rate: Double = falseDiscoveryRate) -> Verdict {
        let significant = f.adjustedPValue < rate
        let odds = f.oddsRatio
        // on a machine that was slower (see machineFactor) only the rise beyond it counts
        let time = (f.timeRatio ?? (f.currentSeconds > 0 ? .infinity : 1)) / max(machineFactor, 1)
        if significant, f.deltaPoints > 0, f.deltaPoints >= t.functionSharePoints || odds >= 1 + t.cpuTime,
           time >= 1 + t.cpuTime / 2, f.deltaSeconds >= t.functionSharePoints / 200 * baselineTotalSeconds {
            return .regressed
        }
        if significant, f.deltaPoints < 0, -f.deltaPoints >= t.functionSharePoints || odds <= 1 / (1 + t.cpuTime),
           time <= 1 / (1 + t.cpuTime) {
            return .improved
        }
        // large but unproven: inconclusive when the test at least suggests a change (p < 0.2); a
        // function of a few samples per run swings by points with p = 0.7, which is no evidence
        if !significant, abs(f.deltaPoints) >= t.functionSharePoints, f.pValue < suggestiveP { return .inconclusive }
        return .pass
    }
}
