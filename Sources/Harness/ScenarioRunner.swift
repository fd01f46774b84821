import CFlamegateBPF
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
    public static func plannedRuns(_ s: Scenario) -> Int {
        (s.sizes?.count ?? 1) * (s.warmup + s.repetitions)
    }

    /// Measures a scenario. Target failures end up in `ScenarioRun.failure`;
    /// what the machine cannot do (no BPF, no root) throws.
    public func run(_ loaded: LoadedScenario, index: Int, of count: Int) throws -> ScenarioRun {
        let s = loaded.scenario
        let environment = EnvironmentFingerprint.current()
        var result = ScenarioRun(scenario: s, file: loaded.file.path, environment: environment, sizes: [],
                                 failure: nil, probes: [])
        if let build = s.build, let failure = runBuild(build, in: loaded.directory) {
            result.failure = failure
            return result
        }
        // the probes stay attached from one run to the next, and are detached
        // before the next scenario's build (see ProbeSession)
        defer { recorder.endSession() }
        let scratch = FileManager.default.temporaryDirectory
            .appendingPathComponent("flamegate-run-\(getpid())-\(UUID().uuidString.prefix(8))")
        try? FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: scratch) }

        // repetitions outside, sizes inside: a machine that drifts (a neighbour
        // starting, frequency scaling) then touches every size alike instead of
        // bending the complexity slope
        let sizes = s.sizes.map { $0.map(Optional.some) } ?? [nil]
        var runs = [[RunMeasurement]](repeating: [], count: sizes.count)
        var profiles = [[String: [Profile]]](repeating: [:], count: sizes.count)
        func results() -> [SizeResult] {
            sizes.indices.filter { !runs[$0].isEmpty }
                .map { Self.sizeResult(sizes[$0], runs[$0], profiles[$0]) }
        }
        for repetition in (1 - s.warmup)...s.repetitions {
            for (i, size) in sizes.enumerated() {
                let warmup = repetition <= 0
                progress.runStarted(scenario: s.name, index: index, of: count, size: size,
                                    repetition: warmup ? repetition + s.warmup : repetition,
                                    repetitions: s.repetitions, warmup: warmup)
                defer { progress.runFinished() }
                // the machine's speed right before the run (see Metric.calibration)
                let calibration = fg_calibrate()
                switch try measure(loaded, size: size, repetition: max(repetition, 0), scratch: scratch) {
                case let .failure(failure):
                    result.failure = failure
                    result.sizes = results()
                    return result
                case let .recorded(recording):
                    result.probes = recording.probes
                    if !warmup {
                        var measurement = RunMeasurement(recording: recording)
                        measurement.metrics[Metric.calibration.id] = calibration
                        runs[i].append(measurement)
                        for p in recording.profiles { profiles[i][p.kind, default: []].append(p) }
                    }
                }
                if interruption?.isSet == true {
                    result.failure = ScenarioFailure(kind: .exit, message: "interrupted by the user", size: size,
                                                     repetition: repetition)
                    result.sizes = results()
                    return result
                }
            }
        }
        result.sizes = sizes.indices.map { Self.sizeResult(sizes[$0], runs[$0], profiles[$0]) }
        return result
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

    private func measure(_ loaded: LoadedScenario, size: Int?, repetition: Int, scratch: URL) throws -> Outcome {
        let s = loaded.scenario
        var environment = ProcessInfo.processInfo.environment
        environment.merge(s.run.env) { $1 }
        let command = s.command(size: size).map { EnvironmentReferences.substitute($0, environment) }
        let dir = loaded.directory
        let stderrPath = scratch.appendingPathComponent("stderr").path
        let spec = LaunchSpec(
            command: command, environment: environment,
            workingDirectory: dir.appendingPathComponent(s.run.cwd).standardizedFileURL.path,
            stdinPath: s.run.stdin.map { dir.appendingPathComponent($0).path } ?? "/dev/null",
            stdoutPath: scratch.appendingPathComponent("stdout").path, stderrPath: stderrPath)
        var options = RecordOptions(launch: spec, probes: s.probes ?? ProbeName.allCases,
                                    probesExplicit: s.probes != nil, frequencyHz: s.cpu.frequency,
                                    timeoutSeconds: s.run.timeoutSeconds)
        options.alloc = s.alloc
        let recording: Recording
        do {
            recording = try recorder.record(options)
        } catch let error as HarnessError {
            return .failure(ScenarioFailure(kind: .launch, message: error.description, size: size,
                                            repetition: repetition))
        }
        let tail = Self.tail(of: stderrPath)
        let label = repetition == 0 ? "warmup run" : "run \(repetition)"
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

    /// Runs `build:` with /bin/sh in the scenario directory; nil on success.
    private func runBuild(_ command: String, in dir: URL) -> ScenarioFailure? {
        progress.note("build: \(command)")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-c", command]
        process.currentDirectoryURL = dir
        let output = FileManager.default.temporaryDirectory.appendingPathComponent("flamegate-build-\(getpid()).log")
        _ = FileManager.default.createFile(atPath: output.path, contents: nil)
        defer { try? FileManager.default.removeItem(at: output) }
        guard let handle = try? FileHandle(forWritingTo: output) else {
            return ScenarioFailure(kind: .build, message: "cannot create a log file for the build")
        }
        process.standardOutput = handle
        process.standardError = handle
        process.standardInput = FileHandle.nullDevice
        do {
            try process.run()
        } catch {
            return ScenarioFailure(kind: .build, message: "cannot start /bin/sh: \(error.localizedDescription)")
        }
        process.waitUntilExit()
        try? handle.close()
        guard process.terminationReason == .exit, process.terminationStatus == 0 else {
            return ScenarioFailure(kind: .build, message: "build failed (exit \(process.terminationStatus)): \(command)",
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
