import ArgumentParser
import Foundation
import Harness
import Model
import Output
import Reports

/// `flamegate record -- CMD ARGS...`: profile one program without a scenario.
struct Record: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run a command under the probes and write its profiles.",
        discussion: """
            Writes into DIR, per profile (cpu in samples; offcpu, offwake and wall in \
            nanoseconds), KIND.folded (FlameGraph folded stacks), KIND.svg (an interactive \
            flame graph) and KIND.pb.gz (pprof), then profile.json and report.html; prints \
            the top functions, off-CPU time, per-thread time and latency histograms.
            """)

    @Option(name: .long, help: "Comma-separated probes (\(ProbeName.allCases.map(\.rawValue).joined(separator: ","))); default: every probe this kernel supports.")
    var probes: String?

    @Option(name: .long, help: "CPU sampling frequency in Hz.")
    var freq: UInt32 = CPUSettings.defaultFrequency

    @Option(name: .long, help: "Stop recording after S seconds (the target gets SIGTERM, then SIGKILL).")
    var duration: Double?

    @Option(name: .long, help: "Kill the target's process tree after S seconds and report a timeout.")
    var timeout: Double?

    @Option(name: .shortAndLong, help: "Output directory.")
    var output: String = "flamegate-out"

    @Flag(help: "Capture the target's stdout/stderr into DIR/target.stdout and DIR/target.stderr.")
    var quiet = false

    @Option(name: .customLong("alloc-sample"),
            help: "alloc probe: sample one allocation per BYTES on average (like 512KiB), with a preloaded shim; 1 traces every call exactly.")
    var allocSample: String = "512KiB"

    @Option(name: .customLong("alloc-library"),
            help: "alloc probe: the allocator to trace (\(AllocSettings.libraries.joined(separator: ", "))).")
    var allocLibrary: String = "libc"

    @Flag(name: .customLong("jit-maps"),
          help: "Name JIT and interpreter code through perf maps: sets PYTHONPERFSUPPORT=1 (CPython 3.12+), NODE_OPTIONS=--perf-basic-prof --interpreted-frames-native-stack, DOTNET_PerfMapEnabled=1.")
    var jitMaps = false

    @Option(help: "Functions to list in the summary.")
    var top: Int = 10

    @Flag(help: "Show libbpf's messages.")
    var verbose = false

    @Argument(parsing: .postTerminator, help: "The command to run, after --.")
    var command: [String] = []

    func validate() throws {
        guard !command.isEmpty else { throw ValidationError("missing command: use flamegate record [options] -- CMD ARGS...") }
        guard (1...100_000).contains(freq) else { throw ValidationError("--freq \(freq): expected 1 to 100000 Hz") }
        if let duration, let problem = Quantity.durationProblem(duration) { throw ValidationError("--duration \(duration): \(problem)") }
        if let timeout, let problem = Quantity.durationProblem(timeout) { throw ValidationError("--timeout \(timeout): \(problem)") }
        guard (0...100_000).contains(top) else { throw ValidationError("--top \(top): expected 0 to 100000 functions") }
        _ = try parsedProbes()
        _ = try allocSettings()
    }

    func allocSettings() throws -> AllocSettings {
        guard let every = Quantity.bytes(allocSample) else {
            throw ValidationError("--alloc-sample \(allocSample): expected a byte count of at least 1, like 1 or 512KiB")
        }
        if let problem = Quantity.sampleEveryProblem(every) {
            throw ValidationError("--alloc-sample \(allocSample): \(problem)")
        }
        guard AllocSettings.libraries.contains(allocLibrary) else {
            throw ValidationError("--alloc-library \(allocLibrary): expected one of "
                + AllocSettings.libraries.joined(separator: ", "))
        }
        return AllocSettings(library: allocLibrary, sampleEvery: every)
    }

    func parsedProbes() throws -> [ProbeName]? {
        guard let probes else { return nil }
        guard probes.contains(where: { $0 != "," && !$0.isWhitespace }) else {
            throw ValidationError("--probes '\(probes)': empty; expected a comma-separated list of "
                + ProbeName.allCases.map(\.rawValue).joined(separator: ", "))
        }
        return try probes.split(separator: ",").map { item in
            let name = item.trimmingCharacters(in: .whitespaces)
            guard let probe = ProbeName(rawValue: name) else {
                throw ValidationError("--probes: unknown probe '\(name)'; expected one of "
                    + ProbeName.allCases.map(\.rawValue).joined(separator: ", "))
            }
            return probe
        }
    }

    func run() throws {
        Interruption.shared.install()
        do {
            try Machine.prepareToRecord(verbose: verbose)
        } catch let error as any EnvironmentProblem {
            throw CLIError(error.description)
        }
        let dir = URL(fileURLWithPath: output)
        let existed = FileManager.default.fileExists(atPath: output)
        do {
            try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        } catch {
            throw CLIError("-o \(output): cannot create the output directory: \(error.localizedDescription)")
        }
        // a recording that fails removes the output directory it created
        func failed(_ message: String) throws -> Never {
            if !existed {
                for name in ["target.stdout", "target.stderr"] { unlink(dir.appendingPathComponent(name).path) }
                rmdir(dir.path)
            }
            throw CLIError(message)
        }
        let launch = LaunchSpec(
            command: command,
            environment: jitMaps ? JitMaps.enabled(in: ProcessInfo.processInfo.environment) : nil,
            stdoutPath: quiet ? dir.appendingPathComponent("target.stdout").path : nil,
            stderrPath: quiet ? dir.appendingPathComponent("target.stderr").path : nil)
        let explicit = try parsedProbes()
        var options = RecordOptions(launch: launch, probes: explicit ?? ProbeName.allCases,
                                    probesExplicit: explicit != nil, frequencyHz: freq,
                                    timeoutSeconds: timeout, durationSeconds: duration)
        options.alloc = try allocSettings()
        options.jitMaps = jitMaps
        let recording: Recording
        do {
            recording = try Recorder(interruption: Interruption.shared).record(options)
        } catch let error as any EnvironmentProblem {
            try failed(error.description)
        }
        let written: [URL]
        do {
            written = try ArtifactWriter.writeRecording(recording, to: dir)
        } catch {
            throw CLIError("writing results into \(output): \(error.localizedDescription)")
        }
        print(RecordSummary(top: top).render(recording), terminator: "")
        print("\nwrote " + written.map(\.path).joined(separator: ", "))
        // stopped by --duration: the target did not fail, flamegate ended it
        if recording.exit.code != 0, !recording.exit.stoppedAfterDuration {
            throw ExitCode(ExitCodes.regression)
        }
    }
}
