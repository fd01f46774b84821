import Model
import Testing
@testable import Analysis

/// The detectors on hand-made measurements.
@Suite struct DetectorTests {
    static func run(metrics: [String: Double], threads: [ThreadTime] = [], functions: [FunctionSamples] = [],
                    samples: UInt64 = 100) -> RunMeasurement {
        RunMeasurement(metrics: metrics, exit: TargetExit(code: 0), cpuSamples: samples, cpuPeriodNanoseconds: 1_000_000,
                       functions: functions, lost: [], threads: threads)
    }

    static func profile(_ stacks: [([String], UInt64)], unit: ProfileUnit = .samples) -> TrimmedProfile {
        TrimmedProfile(unit: unit, stacks: stacks.map { .init(frames: $0.0, value: $0.1) })
    }

    @Test func busyPollingNamesTheCallerOfTheClock() {
        let thread = ThreadTime(pid: 1, tid: 1, name: "loop", wallSeconds: 0.4, cpuSeconds: 0.39, offCPUSeconds: [:],
                                voluntaryBlocks: 2)
        let cpu = Self.profile([(["loop", "main", "event_loop", "check_timeout", "__vdso_gettimeofday"], 300),
                                (["loop", "main", "event_loop", "handle_timeout"], 20)])
        let size = SizeResult(size: nil, runs: Array(repeating: Self.run(metrics: [:], threads: [thread]), count: 3),
                              cpuProfile: cpu)
        let findings = BusyPollingDetector.detect(size, policy: .fail)
        #expect(findings.count == 1)
        #expect(findings.first?.function == "check_timeout")
        #expect(findings.first?.callPath == ["main", "event_loop", "check_timeout", "__vdso_gettimeofday"])
        #expect(findings.first?.severity == .error)
        #expect(BusyPollingDetector.detect(size, policy: .warn).first?.severity == .warning)
        #expect(BusyPollingDetector.detect(size, policy: .off).isEmpty)
    }

    /// An interpreter's loop that spins while its pool threads work: it
    /// blocks hundreds of times a second, each a brief handoff of the GIL
    /// (a lock wait), and is preempted by them; its samples poll less than a
    /// C loop's, but far more than the base's, whose loop slept in epoll_wait.
    @Test func aLoopHandingItsLockOverStillBusyPolls() {
        func thread(cpu: Double, lock: Double = 0, waiting: Double = 0) -> ThreadTime {
            ThreadTime(pid: 1, tid: 1, name: "python3", wallSeconds: 0.8, cpuSeconds: cpu,
                       offCPUSeconds: ["sleeping": lock + waiting, "runnable": 0.8 - cpu - lock - waiting], voluntaryBlocks: 350,
                       waits: ["lock": lock, "other": waiting, "runnable": 0.8 - cpu - lock - waiting])
        }
        let loop = ["python3", "main", "_run_once (base_events.py:1845)"]
        func size(_ t: ThreadTime, polling: UInt64, other: UInt64) -> SizeResult {
            SizeResult(size: nil, runs: Array(repeating: Self.run(metrics: [:], threads: [t]), count: 3),
                       cpuProfile: Self.profile([(loop + ["select (selectors.py:451)", "epoll_wait"], polling),
                                                 (loop + ["_run (events.py:78)"], other)]))
        }
        // on CPU 75%, preempted 10%, handing the GIL over 15% of its life
        let spinning = size(thread(cpu: 0.6, lock: 0.12), polling: 170, other: 830)
        let base = size(thread(cpu: 0.2, lock: 0.04, waiting: 0.55), polling: 20, other: 180)
        let found = BusyPollingDetector.detect(spinning, before: base, policy: .fail)
        #expect(found.first?.function == "select (selectors.py:451)", "\(found.map(\.summary))")
        #expect(found.first?.summary.contains("(≥ 3× the base's)") == true, "\(found.map(\.summary))")
        // 17% alone is an interpreter's ordinary work, not a spin
        #expect(BusyPollingDetector.detect(spinning, policy: .fail).isEmpty)
        // as much polling as the base's: the loop was as busy before
        #expect(BusyPollingDetector.detect(spinning, before: spinning, policy: .fail).isEmpty)
        // waiting for events 15% of its life: a loop that waits, however much it polls between waits
        let waiting = size(thread(cpu: 0.6, waiting: 0.12), polling: 400, other: 600)
        #expect(BusyPollingDetector.detect(waiting, before: base, policy: .fail).isEmpty)
        // a worker waiting for jobs on a lock most of its life is not spinning either
        let worker = size(thread(cpu: 0.3, lock: 0.45), polling: 400, other: 600)
        #expect(BusyPollingDetector.detect(worker, before: base, policy: .fail).isEmpty)
        // results without wait categories: every state but runnable counts
        let older = ThreadTime(pid: 1, tid: 1, name: "python3", wallSeconds: 0.8, cpuSeconds: 0.6,
                               offCPUSeconds: ["sleeping": 0.12, "runnable": 0.08])
        #expect(BusyPollingDetector.detect(size(older, polling: 170, other: 830), before: base, policy: .fail).isEmpty)
    }

    @Test func aSleepingLoopIsNotBusyPolling() {
        let thread = ThreadTime(pid: 1, tid: 1, name: "loop", wallSeconds: 0.4, cpuSeconds: 0.01, offCPUSeconds: ["sleeping": 0.39],
                                voluntaryBlocks: 40)
        let cpu = Self.profile([(["loop", "main", "event_loop", "check_timeout", "__vdso_gettimeofday"], 5)])
        let size = SizeResult(size: nil, runs: [Self.run(metrics: [:], threads: [thread])], cpuProfile: cpu)
        #expect(BusyPollingDetector.detect(size, policy: .fail).isEmpty)
    }

    /// Workers waiting on a semaphore for jobs while the run computes longer
    /// are idle, a warning; the same waits with the CPU time flat are contention.
    @Test func workersWaitingForWorkAreIdleWhenTheRunComputesLonger() {
        let off = Self.profile([
            (["uv-worker", "start_thread", "worker", "sem_wait@@GLIBC_2.34", "__new_sem_wait_slow64",
              "__futex_abstimed_wait_common", "[off-cpu: sleeping]"], 1_300_000_000),
        ], unit: .nanoseconds)
        var size = SizeResult(size: nil, runs: [Self.run(metrics: ["wall_time": 0.45])], cpuProfile: nil, offCPUProfile: off)
        size.wakerProfile = nil
        let waits = MetricComparison(metric: "offcpu.lock_wait", unit: "s", size: nil, gated: false, baselineMedian: 0.6,
                                     currentMedian: 1.3, comparison: nil, verdict: .regressed, note: nil)
        let wall = ContentionExplanationTests.compared("wall_time", 0.21, 0.45, .regressed)
        let busier = ContentionExplanationTests.compared("cpu_time", 0.20, 0.43, .regressed)
        let idle = WaitingDetector.detect(size, metrics: [waits, wall, busier])
        #expect(idle.map(\.kind) == [.idle])
        #expect(idle.first?.function == "worker" && idle.first?.severity == .warning)
        #expect(idle.first?.summary.hasPrefix("threads idle 1.300 s/run waiting for work in worker → sem_wait@@GLIBC_2.34") == true,
                "\(idle.map(\.summary))")
        let flat = ContentionExplanationTests.compared("cpu_time", 0.20, 0.21, .pass)
        #expect(WaitingDetector.detect(size, metrics: [waits, wall, flat]).map(\.kind) == [.contention])
    }

    @Test func lockContentionNamesTheLockSiteAndTheWaker() {
        let off = Self.profile([
            (["w", "client", "acquire_connection", "pthread_cond_wait@@GLIBC_2.3.2", "futex_wait", "[off-cpu: sleeping]"], 5_000_000_000),
            (["w", "client", "database_query", "__nanosleep", "[off-cpu: sleeping]"], 600_000_000),
        ], unit: .nanoseconds)
        let wake = Self.profile([
            (["w", "client", "acquire_connection", "pthread_cond_wait@@GLIBC_2.3.2", "[woken by api]", "futex_wake",
              "pthread_cond_signal@@GLIBC_2.3.2", "release_connection", "client"], 5_000_000_000),
        ], unit: .nanoseconds)
        let size = SizeResult(size: nil, runs: [], cpuProfile: nil, offCPUProfile: off, wakerProfile: wake)
        let regressed = MetricComparison(metric: "offcpu.lock_wait", unit: "s", size: nil, gated: false,
                                         baselineMedian: 0.08, currentMedian: 5.0, comparison: nil, verdict: .regressed,
                                         note: nil)
        let wall = MetricComparison(metric: "wall_time", unit: "s", size: nil, gated: true, baselineMedian: 0.1,
                                    currentMedian: 0.7, comparison: nil, verdict: .regressed, note: nil)
        var withWall = size
        withWall.runs = [Self.run(metrics: ["wall_time": 0.7])]
        let findings = WaitingDetector.detect(withWall, metrics: [regressed, wall])
        #expect(findings.count == 1)
        let f = findings[0]
        #expect(f.kind == .contention)
        #expect(f.function == "acquire_connection")
        #expect(f.summary.contains("woken by release_connection"))
        #expect(f.callPath.last == "pthread_cond_wait@@GLIBC_2.3.2")
    }

    @Test func smallWaitIncreasesAreNotFindings() {
        let regressed = MetricComparison(metric: "offcpu.io_wait", unit: "s", size: nil, gated: false,
                                         baselineMedian: 0.010, currentMedian: 0.015, comparison: nil,
                                         verdict: .regressed, note: nil)
        let size = SizeResult(size: nil, runs: [Self.run(metrics: ["wall_time": 1.0])], cpuProfile: nil)
        #expect(WaitingDetector.detect(size, metrics: [regressed]).isEmpty, "5 ms of a 1 s run")
    }

    @Test func ioWaitsMustRiseBeyondTheScenariosIOAllowance() {
        // 2.7 → 4.0 ms/run of a 10.5 ms run (the disk of the good journal-writer drifting)
        let ratio = ScalarComparison(ratio: 1.475, ciLower: 1.191, ciUpper: 1.592, pValue: 0.0002, testMethod: .exact,
                                     verdict: .regressed, tau: 0.05, alpha: 0.05, nBaseline: 10, nCurrent: 10)
        let regressed = MetricComparison(metric: "offcpu.io_wait", unit: "s", size: nil, gated: false,
                                         baselineMedian: 0.0027, currentMedian: 0.0040, comparison: ratio,
                                         verdict: .regressed, note: nil)
        let size = SizeResult(size: nil, runs: [Self.run(metrics: ["wall_time": 0.0105])], cpuProfile: nil)
        #expect(WaitingDetector.detect(size, metrics: [regressed], thresholds: Thresholds(ioP99: 0.5)).isEmpty)
        #expect(WaitingDetector.detect(size, metrics: [regressed], thresholds: Thresholds(ioP99: 0.1)).count == 1)
    }

    /// Runs of one size whose function costs follow `cost(n)` samples.
    static func sweep(_ cost: (Double) -> Double) -> [SizeResult] {
        [1000, 2000, 4000, 10000].map { n in
            let runs = (0..<5).map { i -> RunMeasurement in
                let jitter = 1 + 0.02 * Double(i - 2)
                let work = UInt64(cost(Double(n)) * jitter)
                return Self.run(metrics: ["cpu_time": Double(work + 50) / 1000],
                                functions: [FunctionSamples(name: "main", module: "app", selfSamples: 0, inclusiveSamples: work + 50),
                                            FunctionSamples(name: "parse_request", module: "app", selfSamples: work,
                                                            inclusiveSamples: work)],
                                samples: work + 50)
            }
            return SizeResult(size: n, runs: runs, cpuProfile: Self.profile([(["app", "main", "parse_request"], 1)]))
        }
    }

    @Test func complexityFlagsTheQuadraticFunctionAgainstALinearBaseline() {
        let linear = Self.sweep { $0 / 10 }, quadratic = Self.sweep { $0 * $0 / 100_000 }
        let (report, findings) = ComplexityDetector.analyze(quadratic, baseline: linear, threshold: 1.3)
        let parse = try! #require(report?.functions.first { $0.function == "parse_request" })
        #expect(abs(parse.exponent - 2) < 0.05)
        #expect(parse.lower <= 2 && parse.upper >= 2)
        #expect(abs(parse.baselineExponent! - 1) < 0.05)
        #expect(findings.count == 1)
        #expect(findings.first?.function == "parse_request", "the deepest flagged function, not main")
        #expect(findings.first?.summary.hasPrefix("parse_request: O(n^2.0") == true)
        let (_, none) = ComplexityDetector.analyze(linear, baseline: linear, threshold: 1.3)
        #expect(none.isEmpty)
    }

    /// A kernel function (the timer interrupt sampled inside the loop) whose
    /// Growth against the baseline holds for the whole interval: an exponent
    /// whose point estimate rose by 0.38 while its interval still reaches
    /// 0.16 above the baseline's is noise (libpython in a good-against-itself
    /// run); a rise whose lower bound clears 0.3 is flagged.
    @Test func complexityGrowthMustHoldForTheWholeInterval() {
        func fit(lower: Double, exponent: Double) -> ComplexityFit {
            ComplexityFit(function: "python3.11+0x630c36", exponent: exponent, lower: lower, upper: exponent + 0.2,
                          baselineExponent: -0.16, points: 24)
        }
        #expect(!ComplexityDetector.grew(fit(lower: 0.0, exponent: 0.22)))
        #expect(ComplexityDetector.grew(fit(lower: 0.2, exponent: 0.4)))
        #expect(!ComplexityDetector.grew(ComplexityFit(function: "f", exponent: 2, lower: 1.9, upper: 2.1, baselineExponent: nil,
                                                       points: 24)))
    }

    /// slope rose is not a complexity finding: kernel frames do not gate.
    @Test func complexityDoesNotBlameKernelFrames() {
        func sweep(_ kernel: String, _ cost: @escaping (Double) -> Double) -> [SizeResult] {
            Self.sweep { $0 / 10 }.map { size in
                var s = size
                s.runs = s.runs.map { run in
                    var r = run
                    let k = UInt64(cost(Double(s.size!)))
                    r.functions.append(FunctionSamples(name: "asm_sysvec_apic_timer_interrupt", module: kernel,
                                                       selfSamples: k, inclusiveSamples: k))
                    return r
                }
                return s
            }
        }
        let flat = sweep("[kernel]") { _ in 40 }, steep = sweep("[kernel]") { $0 * $0 / 100_000 }
        let (report, findings) = ComplexityDetector.analyze(steep, baseline: flat, threshold: 1.3)
        #expect(report?.functions.contains { $0.function == "asm_sysvec_apic_timer_interrupt" } == true, "still shown")
        #expect(findings.isEmpty, "\(findings.map(\.summary))")
        // the same function in the program's own code is flagged
        let own = ComplexityDetector.analyze(sweep("app") { $0 * $0 / 100_000 }, baseline: sweep("app") { _ in 40 },
                                             threshold: 1.3)
        #expect(own.findings.map(\.function) == ["asm_sysvec_apic_timer_interrupt"])
    }

    /// No fit below four sizes over 10×, and the report says why and what to add.
    @Test func complexityNeedsFourSizesOverAnOrderOfMagnitude() throws {
        let narrow = Array(Self.sweep { $0 * $0 / 1000 }.prefix(3)) // 1000, 2000, 4000: 3 sizes over 4×
        let (report, findings) = ComplexityDetector.analyze(narrow, baseline: nil, threshold: 1.3)
        #expect(findings.isEmpty)
        let r = try #require(report)
        #expect(r.whole == nil && r.functions.isEmpty)
        #expect(r.notFitted == "no complexity exponent: 3 sizes (a fit needs at least 4) and a span of 4× (1000–4000; "
            + "a fit needs at least 10×); add a size of at least 10000 and sizes between 1000 and 10000")
        // four sizes over 8×: the span alone
        let eight = ComplexityDetector.unfittable([100, 200, 400, 800])
        #expect(eight == "no complexity exponent: a span of 8× (100–800; a fit needs at least 10×); add a size of at least 1000")
        #expect(ComplexityDetector.unfittable([1000, 2000, 4000, 10000]) == nil)
        // one size is not a sweep: nothing to say
        #expect(ComplexityDetector.analyze(Array(Self.sweep { $0 }.prefix(1)), baseline: nil, threshold: 1.3).report == nil)
    }

    static func fc(_ name: String, _ module: String = "app", before: Double, after: Double, beforeShare: Double,
                   afterShare: Double, verdict: Verdict) -> FunctionComparison {
        FunctionComparison(name: name, module: module, size: nil, baselineShare: beforeShare, currentShare: afterShare,
                           baselineSelfShare: 0, currentSelfShare: 0, baselineSeconds: before, currentSeconds: after,
                           pValue: 0.001, adjustedPValue: 0.001, verdict: verdict)
    }

    @Test func hotspotNamesTheCulpritNotItsCallersOrLibraries() {
        let functions = [Self.fc("main", before: 1, after: 1.2, beforeShare: 100, afterShare: 100, verdict: .regressed),
                         Self.fc("handle", before: 0.5, after: 0.7, beforeShare: 50, afterShare: 58, verdict: .regressed),
                         Self.fc("memcpy", "libc.so.6", before: 0.1, after: 0.3, beforeShare: 10, afterShare: 25, verdict: .regressed)]
        let profile = Self.profile([(["t", "main", "handle", "memcpy"], 10)])
        let now = SizeResult(size: nil, runs: [], cpuProfile: profile)
        let c = ScenarioComparison(metrics: [], functions: functions)
        let result = HotspotDetector.detect(c, now: now, before: nil)
        #expect(result.findings.map(\.function) == ["handle"])
        #expect(result.findings.first?.callPath == ["main", "handle"])
    }

    /// A stripped program whose time went into a shared library: the
    /// library function that holds the cost is named, with the program's
    /// nearest frame as context — not the unresolved frame, not `_start`.
    @Test func libraryHotspotNamesTheLibraryFunctionWithItsCaller() {
        let functions = [
            Self.fc("_start", "sqlite3", before: 1, after: 2.3, beforeShare: 100, afterShare: 100, verdict: .regressed),
            Self.fc("sqlite3+0x200c3", "sqlite3", before: 0.9, after: 2.2, beforeShare: 90, afterShare: 96, verdict: .regressed),
            Self.fc("sqlite3_step", "libsqlite3.so.0", before: 0.8, after: 2.1, beforeShare: 80, afterShare: 93, verdict: .regressed),
            Self.fc("sqlite3VdbeExec", "libsqlite3.so.0", before: 0.7, after: 2.0, beforeShare: 70, afterShare: 90, verdict: .regressed),
        ]
        let profile = Self.profile([(["sqlite3", "_start", "sqlite3+0x200c3", "sqlite3_step", "sqlite3VdbeExec"], 90),
                                    (["sqlite3", "_start", "sqlite3+0x1f00"], 10)])
        let c = ScenarioComparison(metrics: [], functions: functions)
        let result = HotspotDetector.detect(c, now: SizeResult(size: nil, runs: [], cpuProfile: profile), before: nil)
        #expect(result.findings.map(\.function) == ["sqlite3VdbeExec"])
        #expect(result.findings.first?.summary.hasPrefix(
            "sqlite3VdbeExec (libsqlite3.so.0) called from sqlite3+0x200c3 costs +1.300 s/run more CPU") == true,
                "\(result.findings.map(\.summary))")
    }

    /// The same hotspot at three sizes is one finding, at the size where it cost most.
    @Test func hotspotAtSeveralSizesIsOneFinding() {
        func hot(_ function: String, size: Int, delta: Double) -> Finding {
            Finding(kind: .hotspot, severity: .error, function: function, callPath: [function], size: size,
                    summary: "\(function) costs more", evidence: [.init("delta_seconds_per_run", delta, "s")], hint: "")
        }
        let merged = HotspotDetector.mergedAcrossSizes([
            hot("scan", size: 100, delta: 0.1), hot("other", size: 100, delta: 0.05), hot("scan", size: 1000, delta: 1.2),
            hot("scan", size: 10000, delta: 0.9),
        ])
        #expect(merged.map(\.function) == ["scan", "other"])
        #expect(merged.first?.size == 1000)
        #expect(merged.first?.summary == "scan costs more; also regressed at sizes 100, 10000")
        #expect(merged.last?.summary == "other costs more")
    }

    /// CPU time regressed by 2% but no function's share test did: the
    /// function holding most of the rise is named, not main above it, and
    /// nothing is named when CPU time did not regress.
    @Test func provenCPURiseIsAttributedToTheFunctionThatHoldsIt() {
        let functions = [Self.fc("main", before: 0.200, after: 0.204, beforeShare: 99.7, afterShare: 99.7, verdict: .pass),
                         Self.fc("hot", before: 0.160, after: 0.1635, beforeShare: 80, afterShare: 80.3, verdict: .pass),
                         Self.fc("other", before: 0.040, after: 0.0405, beforeShare: 20, afterShare: 19.7, verdict: .pass)]
        let now = SizeResult(size: nil, runs: [], cpuProfile: Self.profile([(["t", "main", "hot"], 80), (["t", "main", "other"], 20)]))
        func comparison(_ cpu: Verdict) -> ScenarioComparison {
            ScenarioComparison(metrics: [ContentionExplanationTests.compared("cpu_time", 0.200, 0.204, cpu)],
                               functions: functions)
        }
        let result = HotspotDetector.detect(comparison(.regressed), now: now, before: nil)
        #expect(result.findings.map(\.function) == ["hot"])
        #expect(result.findings.first?.summary.hasPrefix("hot holds +3.5 ms/run (+2.2%) of the program's +4.0 ms/run") == true,
                "\(result.findings.map(\.summary))")
        #expect(HotspotDetector.detect(comparison(.pass), now: now, before: nil).findings.isEmpty)
        #expect(HotspotDetector.detect(comparison(.inconclusive), now: now, before: nil).findings.isEmpty)
    }

    @Test func renamedFunctionIsACostShiftNotARegression() {
        let functions = [Self.fc("parse_v2", before: 0, after: 0.30, beforeShare: 0, afterShare: 30, verdict: .regressed),
                         Self.fc("parse", before: 0.31, after: 0, beforeShare: 31, afterShare: 0, verdict: .improved)]
        let now = SizeResult(size: nil, runs: [], cpuProfile: Self.profile([(["t", "main", "parse_v2"], 30)]))
        let before = SizeResult(size: nil, runs: [], cpuProfile: Self.profile([(["t", "main", "parse"], 31)]))
        let c = ScenarioComparison(metrics: [], functions: functions)
        let result = HotspotDetector.detect(c, now: now, before: before)
        #expect(result.excused == ["parse_v2"])
        #expect(result.findings.map(\.kind) == [.hotspotShift])
        #expect(result.findings.first?.severity == .warning)
        let elsewhere = SizeResult(size: nil, runs: [], cpuProfile: Self.profile([(["t", "other", "parse_v2"], 30)]))
        #expect(HotspotDetector.detect(c, now: elsewhere, before: before).excused.isEmpty, "different callers")
    }

    @Test func ioLatencyNamesTheSyncPath() {
        let p99 = MetricComparison(metric: "io.syscall.fsync.p99", unit: "s", size: nil, gated: true,
                                   baselineMedian: 0.002, currentMedian: 0.008,
                                   comparison: ScalarComparison(ratio: 4, ciLower: 3, ciUpper: 5, pValue: 0.001,
                                                                testMethod: .exact, verdict: .regressed, tau: 0.1,
                                                                alpha: 0.05, nBaseline: 10, nCurrent: 10),
                                   verdict: .regressed, note: nil)
        let off = Self.profile([(["w", "main", "commit_journal", "fsync", "[off-cpu: uninterruptible]"], 100)], unit: .nanoseconds)
        let size = SizeResult(size: nil, runs: [], cpuProfile: nil, offCPUProfile: off)
        let findings = IOLatencyDetector.detect(size, metrics: [p99])
        #expect(findings.first?.function == "commit_journal")
        #expect(findings.first?.summary.hasPrefix("fsync p99 8.0 ms, was 2.0 ms") == true)
    }

    @Test func waitCategories() {
        #expect(WaitCategory.classify(frames: ["t", "f", "pthread_mutex_lock@@GLIBC_2.2.5", "__lll_lock_wait"], state: "sleeping") == .lock)
        #expect(WaitCategory.classify(frames: ["t", "f", "fsync"], state: "sleeping") == .io)
        #expect(WaitCategory.classify(frames: ["t", "f", "read"], state: "uninterruptible") == .io)
        #expect(WaitCategory.classify(frames: ["t", "f", "recv", "sk_wait_data"], state: "sleeping") == .network)
        #expect(WaitCategory.classify(frames: ["t", "f", "__nanosleep"], state: "sleeping") == .sleep)
        #expect(WaitCategory.classify(frames: ["t", "f"], state: "runnable") == .runnable)
        #expect(WaitCategory.lock.site(in: ["t", "main", "take_lock", "pthread_mutex_lock@@GLIBC_2.2.5"])?.site == "take_lock")
    }
}

@Suite struct ContentionExplanationTests {
    static func m(_ id: String, _ before: Double, _ after: Double, _ verdict: Verdict) -> MetricComparison {
        MetricComparison(metric: id, unit: "s", size: nil, gated: id == "wall_time", baselineMedian: before,
                         currentMedian: after, comparison: nil, verdict: verdict, note: nil)
    }

    @Test func wallTimeExplainedByRunQueueWaitIsNotARegression() {
        var metrics = [Self.m("wall_time", 0.100, 0.140, .regressed), Self.m("offcpu.runnable_wait", 0.001, 0.035, .regressed)]
        ScenarioComparator.explainByContention(&metrics, size: nil)
        #expect(metrics[0].verdict == .inconclusive)
        #expect(metrics[0].note?.contains("machine was busier") == true)
    }

    static func compared(_ id: String, _ before: Double, _ after: Double, _ verdict: Verdict) -> MetricComparison {
        var c = m(id, before, after, verdict)
        c.comparison = ScalarComparison(ratio: after / before, ciLower: after / before * 0.95, ciUpper: after / before * 1.05,
                                        pValue: verdict == .pass ? 0.5 : 0.001, testMethod: .exact, verdict: verdict,
                                        tau: 0.05, alpha: 0.05, nBaseline: 10, nCurrent: 10)
        return c
    }

    /// Issue #11: an A/A run of journal-writer on a slower shared disk.
    @Test func wallTimeExplainedByASlowerDiskIsNotARegression() {
        var metrics = [Self.m("wall_time", 0.0163, 0.0201, .regressed), Self.m("offcpu.io_wait", 0.0074, 0.0095, .regressed),
                       Self.compared("io.block_requests", 37, 37, .pass), Self.compared("io.block_p50", 59e-6, 76e-6, .regressed)]
        ScenarioComparator.explainByDiskSpeed(&metrics, size: nil)
        #expect(metrics[0].verdict == .inconclusive)
        #expect(metrics[0].note?.contains("the disk was slower") == true, "\(metrics[0].note ?? "")")
    }

    @Test func moreSyncsThanTheBaselineStayRegressed() {
        var metrics = [Self.m("wall_time", 0.0163, 0.400, .regressed), Self.m("offcpu.io_wait", 0.0074, 0.350, .regressed),
                       Self.compared("io.block_requests", 37, 2000, .regressed), Self.compared("io.block_p50", 59e-6, 90e-6, .regressed)]
        ScenarioComparator.explainByDiskSpeed(&metrics, size: nil)
        #expect(metrics[0].verdict == .regressed)
        // and a wall rise the I/O wait does not explain
        var cpu = [Self.m("wall_time", 0.0163, 0.0301, .regressed), Self.m("offcpu.io_wait", 0.0074, 0.0080, .pass),
                   Self.compared("io.block_requests", 37, 37, .pass), Self.compared("io.block_p50", 59e-6, 76e-6, .regressed)]
        ScenarioComparator.explainByDiskSpeed(&cpu, size: nil)
        #expect(cpu[0].verdict == .regressed)
    }

    @Test func wallTimeNotExplainedStaysRegressed() {
        var metrics = [Self.m("wall_time", 0.100, 0.140, .regressed), Self.m("offcpu.runnable_wait", 0.001, 0.005, .pass)]
        ScenarioComparator.explainByContention(&metrics, size: nil)
        #expect(metrics[0].verdict == .regressed)
    }
}

/// Script functions (Python, JavaScript) are named before the interpreter's.
@Suite struct ScriptCulpritTests {
    @Test func scriptFramesAreRecognisedByTheirFile() {
        #expect(Frame.looksLikeScriptFrame("dedupe (app.py:12)"))
        #expect(Frame.looksLikeScriptFrame("dedupe (app.py)"))
        #expect(Frame.looksLikeScriptFrame("fib (hot.js:3)"))
        #expect(!Frame.looksLikeScriptFrame("operator() (std::function)"))
        #expect(!Frame.looksLikeScriptFrame("<module> (<frozen importlib._bootstrap>:1)"))
        #expect(!Frame.looksLikeScriptFrame("list_contains"))
        // a Debian tool is a script without an extension; `python -c` runs `<string>`
        #expect(Frame.looksLikeScriptFrame("main (lsb_release:40)"))
        #expect(Frame.looksLikeScriptFrame("<module> (<string>:1)"))
        #expect(!Frame.looksLikeScriptFrame("foo(void (*)(int))"))
        #expect(!Frame.looksLikeScriptFrame("f (a b:3)"))
        #expect(!Frame.looksLikeScriptFrame("g (std::map:3)"))
    }

    @Test func frozenModulesAreTheInterpretersNotTheScripts() {
        #expect(!Frame.isScript(name: "_find_and_load (<frozen importlib._bootstrap>:1165)", module: Frame.pythonModule))
        #expect(Frame.isScript(name: "main (lsb_release:40)", module: Frame.pythonModule))
        #expect(!Frame.isScript(name: "main (lsb_release:40)", module: "lsb_release"))
    }

    @Test func anAllocationIsChargedToTheScriptFunctionThatMadeIt() {
        let path = ["PyMem_Malloc", "list_resize", "_PyList_AppendTakeRefListResize", "remember (cache.py:8)",
                    "handle (app.py:20)", "main (app.py:30)", "<module> (app.py:1)"]
        let culprit = AllocationCulprit.of(path)
        #expect(culprit.function == "remember (cache.py:8)")
        #expect(culprit.callers == "handle (app.py:20) ← main (app.py:30) ← <module> (app.py:1)")
        #expect(AllocationCulprit.of(["alloc_buffer", "process_image", "main"]).function == "alloc_buffer")
        #expect(AllocationCulprit.of([]).function == "[unknown allocation site]")
    }
}
