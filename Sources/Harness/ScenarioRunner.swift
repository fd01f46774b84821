import CFlamegateBPF
import Files
import Foundation
import Model
import Probes

/// Runs one scenario: `build:` once, then per size the warmup runs
/// (discarded) and the measured repetitions, each under the probes.
public final class ScenarioRunner {
    private let recorder: Recorder
    private let progress: Progress
    /// Runs after which to stop early (interrupted by the user).
    private let interruption: Interruption?

    public init(recorder: Recorder, progress: Progress, interruption: Interruption? = nil) {
        self.recorder = recorder
        self.progress = progress
        self.interruption = interruption
    }

    /// Runs (warmups included) a scenario takes, for progress estimates.
    public static func plannedRuns(_ s: Scenario, sides: Int = 1) -> Int {
        (s.sizes?.count ?? 1) * (s.warmup + s.repetitions) * sides
    }

    /// Measures a scenario. Target failures end up in `ScenarioRun.failure`;
    /// what the machine cannot do (no BPF, no root) throws.
    public func run(_ loaded: LoadedScenario, index: Int, of count: Int) throws -> ScenarioRun {
        try run([ScenarioSide(loaded)], index: index, of: count, plan: nil, decided: nil)[0]
    }

    /// Measures the base and the change of a scenario in pairs: per repetition
    /// and size, one run of each side in a seeded random order (A B or B A), so
    /// whatever the machine does at that moment touches both. After
    /// `plan.first` pairs (and each further batch) `decided` is asked whether
    /// the comparison is decisive; if not, more pairs follow, up to
    /// `plan.maximum`. Returns the base's run, then the change's. A side that
    /// fails ends only its own measuring: the other side goes on alone.
    public func runPaired(base: ScenarioSide, change: ScenarioSide, index: Int, of count: Int, plan: SequentialPlan,
                          decided: @escaping (_ base: ScenarioRun, _ change: ScenarioRun) -> Bool)
        throws -> (base: ScenarioRun, change: ScenarioRun) {
        let runs = try run([base, change], index: index, of: count, plan: plan, decided: decided)
        return (runs[0], runs[1])
    }

    private final class SideState {
        let side: ScenarioSide
        var result: ScenarioRun
        var runs: [[RunMeasurement]]
        var profiles: [[String: [Profile]]]
        var active = true

        init(_ side: ScenarioSide, sizes: Int) {
            self.side = side
            result = ScenarioRun(scenario: side.loaded.scenario, file: side.loaded.file.path,
                                 environment: EnvironmentFingerprint.current(), sizes: [], failure: nil, probes: [])
            runs = Array(repeating: [], count: sizes)
            profiles = Array(repeating: [:], count: sizes)
        }

        func results(_ sizes: [Int?]) -> [SizeResult] {
            sizes.indices.filter { !runs[$0].isEmpty }.map { ScenarioRunner.sizeResult(sizes[$0], runs[$0], profiles[$0]) }
        }

        /// The run so far, sizes included.
        func snapshot(_ sizes: [Int?]) -> ScenarioRun {
            var run = result
            run.sizes = results(sizes)
            return run
        }

        func fail(_ failure: ScenarioFailure, _ sizes: [Int?]) {
            result.failure = failure
            result.sizes = results(sizes)
            active = false
        }
    }

    private func run(_ sides: [ScenarioSide], index: Int, of count: Int, plan: SequentialPlan?,
                     decided: ((_ base: ScenarioRun, _ change: ScenarioRun) -> Bool)?) throws
        -> [ScenarioRun] {
        // the change's scenario sets the sizes, warmups and repetitions of both
        let s = sides.last!.loaded.scenario
        let sizes = s.sizes.map { $0.map(Optional.some) } ?? [nil]
        let states = sides.map { SideState($0, sizes: sizes.count) }
        for state in states where state.side.build {
            if let build = state.side.loaded.scenario.build,
               let failure = runBuild(build, in: state.side.loaded.directory, environment: state.side.environment,
                                      label: state.side.label) {
                state.fail(failure, sizes)
            }
        }
        if !states.last!.active { return states.map(\.result) }
        // the probes stay attached from one run to the next, and are detached
        // before the next scenario's build (see ProbeSession)
        defer { recorder.endSession() }
        let scratch: URL
        do {
            scratch = try SafeFile.temporaryDirectory(prefix: "flamegate-run-\(getpid())-")
        } catch {
            for state in states { state.fail(ScenarioFailure(kind: .launch, message: "cannot create a scratch directory: \(error)"), sizes) }
            return states.map(\.result)
        }
        defer { try? FileManager.default.removeItem(at: scratch) }

        // repetitions outside, sizes inside: a machine that drifts (a neighbour
        // starting, frequency scaling) then touches every size alike instead of
        // bending the complexity slope
        var order = PairOrder(seed: PairOrder.seed(s.name))
        var target = plan?.first ?? s.repetitions
        var repetition = 1 - s.warmup
        while repetition <= target {
            for (i, size) in sizes.enumerated() {
                let active = states.filter(\.active)
                guard !active.isEmpty else { return states.map(\.result) }
                for state in order.shuffled(active) {
                    let warmup = repetition <= 0
                    progress.runStarted(scenario: s.name, index: index, of: count, size: size,
                                        repetition: warmup ? repetition + s.warmup : repetition,
                                        repetitions: target, warmup: warmup, side: state.side.label)
                    defer { progress.runFinished() }
                    // the machine's speed right before the run (see Metric.calibration)
                    let calibration = fg_calibrate()
                    switch try measure(state.side, size: size, repetition: max(repetition, 0), scratch: scratch) {
                    case let .failure(failure):
                        state.fail(failure, sizes)
                    case let .recorded(recording):
                        state.result.probes = recording.probes
                        if !warmup {
                            var measurement = RunMeasurement(recording: recording)
                            measurement.metrics[Metric.calibration.id] = calibration
                            state.runs[i].append(measurement)
                            for p in recording.profiles { state.profiles[i][p.kind, default: []].append(p) }
                        }
                    }
                    if interruption?.isSet == true {
                        for state in states where state.active {
                            state.fail(ScenarioFailure(kind: .exit, message: "interrupted by the user", size: size,
                                                       repetition: repetition), sizes)
                        }
                        return states.map(\.result)
                    }
                }
            }
            if repetition == target, let plan, let decided, target < plan.maximum, states.allSatisfy(\.active),
               !decided(states[0].snapshot(sizes), states[1].snapshot(sizes)) {
                let more = min(plan.maximum, target + plan.batch) - target
                progress.extend(runs: more * sizes.count * states.count)
                progress.note("  \(s.name): not decided after \(target) pairs: \(more) more (up to \(plan.maximum))")
                target += more
            }
            repetition += 1
        }
        for state in states where state.active { state.result.sizes = state.results(sizes) }
        return states.map(\.result)
    }

    static func sizeResult(_ size: Int?, _ runs: [RunMeasurement], _ profiles: [String: [Profile]]) -> SizeResult {
        SizeResult(size: size, runs: runs, cpuProfile: TrimmedProfile.merge(profiles["cpu"] ?? []),
                   offCPUProfile: TrimmedProfile.merge(profiles["offcpu"] ?? []),
                   wakerProfile: TrimmedProfile.merge(profiles["offwake"] ?? []))
    }

    enum Outcome {
        case recorded(Recording)
        case failure(ScenarioFailure)
    }

    private func measure(_ side: ScenarioSide, size: Int?, repetition: Int, scratch: URL) throws -> Outcome {
        let loaded = side.loaded
        let s = loaded.scenario
        var environment = ProcessInfo.processInfo.environment
        environment.merge(s.run.env) { $1 }
        environment.merge(side.environment) { $1 }
        if s.run.jitMaps { environment = JitMaps.enabled(in: environment) }
        let command = s.command(size: size).map { EnvironmentReferences.substitute($0, environment) }
        let dir = loaded.directory
        let stderrPath = scratch.appendingPathComponent("stderr").path
        let spec = LaunchSpec(
            command: command, environment: environment,
            workingDirectory: Self.resolve(s.run.cwd, in: dir),
            stdinPath: s.run.stdin.map { Self.resolve($0, in: dir) } ?? "/dev/null",
            stdoutPath: scratch.appendingPathComponent("stdout").path, stderrPath: stderrPath)
        var options = RecordOptions(launch: spec, probes: s.probes ?? ProbeName.allCases,
                                    probesExplicit: s.probes != nil, frequencyHz: s.cpu.frequency,
                                    timeoutSeconds: s.run.timeoutSeconds)
        options.alloc = s.alloc
        options.jitMaps = s.run.jitMaps
        let recording: Recording
        do {
            recording = try recorder.record(options)
        } catch let error as HarnessError {
            return .failure(ScenarioFailure(kind: .launch, message: error.description, size: size,
                                            repetition: repetition))
        }
        let tail = Self.tail(of: stderrPath)
        let label = (side.label.map { "\($0) side: " } ?? "") + (repetition == 0 ? "warmup run" : "run \(repetition)")
        if recording.exit.timedOut {
            return .failure(ScenarioFailure(
                kind: .timeout, message: "\(label) timed out after \(Quantity.format(seconds: s.run.timeoutSeconds)); "
                    + "its process tree was killed", size: size, repetition: repetition, stderrTail: tail))
        }
        if recording.exit.code != s.run.expectExit || recording.exit.interrupted {
            return .failure(ScenarioFailure(
                kind: .exit, message: "\(label) ended with \(recording.exit.description) (expected exit code "
                    + "\(s.run.expectExit))", size: size, repetition: repetition, stderrTail: tail))
        }
        return .recorded(recording)
    }

    /// A `cwd:` or `stdin:` path: absolute as written, else relative to the scenario's directory.
    static func resolve(_ path: String, in dir: URL) -> String {
        path.hasPrefix("/") ? URL(fileURLWithPath: path).standardizedFileURL.path
            : dir.appendingPathComponent(path).standardizedFileURL.path
    }

    /// Runs `build:` with /bin/sh in the scenario directory; nil on success.
    private func runBuild(_ command: String, in dir: URL, environment: [String: String], label: String?)
        -> ScenarioFailure? {
        let side = label.map { "\($0) side: " } ?? ""
        progress.note("\(side)build: \(command)" + (label != nil ? "  (in \(dir.path))" : ""))
        let process = Process()
        if !environment.isEmpty {
            process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        }
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-c", command]
        process.currentDirectoryURL = dir
        let log: (fd: Int32, path: String)
        do {
            log = try SafeFile.temporaryFile(prefix: "flamegate-build-\(getpid())-", suffix: ".log")
        } catch {
            return ScenarioFailure(kind: .build, message: "\(side)cannot create a log file for the build: \(error)")
        }
        let output = URL(fileURLWithPath: log.path)
        defer { try? FileManager.default.removeItem(at: output) }
        let handle = FileHandle(fileDescriptor: log.fd, closeOnDealloc: true)
        process.standardOutput = handle
        process.standardError = handle
        process.standardInput = FileHandle.nullDevice
        do {
            try process.run()
        } catch {
            return ScenarioFailure(kind: .build, message: "\(side)cannot start /bin/sh: \(error.localizedDescription)")
        }
        process.waitUntilExit()
        try? handle.close()
        guard process.terminationReason == .exit, process.terminationStatus == 0 else {
            return ScenarioFailure(kind: .build, message: "\(side)build failed (exit \(process.terminationStatus)): \(command)",
                                   stderrTail: Self.tail(of: output.path))
        }
        return nil
    }

    /// The last lines of a file, at most 20 lines and 2 KiB.
    static func tail(of path: String) -> String? {
        guard let data = FileManager.default.contents(atPath: path), !data.isEmpty else { return nil }
        let text = String(decoding: data.suffix(2048), as: UTF8.self)
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).suffix(21)
        return lines.joined(separator: "\n").trimmingCharacters(in: .newlines)
    }
}

/// One side of a comparison measured in the same run: a scenario file (of
/// the change's tree or the base's), the variables set for its build and
/// runs (over flamegate's environment and the scenario's `run.env`), and
/// whether to run its `build:` (not when it shares the other side's tree).
public struct ScenarioSide: Sendable {
    public var loaded: LoadedScenario
    public var environment: [String: String]
    /// "base" or "change" in a paired run (prefixing its progress lines and
    /// failures); nil in a run without a base.
    public var label: String?
    public var build: Bool

    public init(_ loaded: LoadedScenario, environment: [String: String] = [:], label: String? = nil, build: Bool = true) {
        self.loaded = loaded
        self.environment = environment
        self.label = label
        self.build = build
    }
}

/// The seeded order of the two runs of each pair, so a run is reproducible
/// and neither side always goes first (the first run of a pair can find the
/// caches colder or the CPU clock lower). SplitMix64 (Steele, Lea & Flood
/// 2014), seeded from the scenario's name.
struct PairOrder {
    private var state: UInt64

    init(seed: UInt64) { state = seed }

    /// FNV-1a of the name: stable across runs and machines (unlike `hashValue`).
    static func seed(_ name: String) -> UInt64 {
        FNV1a.hash(name)
    }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// One side: as it is. Two: swapped on a coin flip.
    mutating func shuffled<T>(_ items: [T]) -> [T] {
        guard items.count == 2 else { return items }
        return next() & 1 == 0 ? items : items.reversed()
    }
}
