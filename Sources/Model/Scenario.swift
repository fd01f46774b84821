import Foundation

/// A scenario file: the contract users write (see README "Scenario files").
/// Decoding is strict: unknown keys, malformed durations and percentages,
/// empty commands and `sizes` without `{size}` are errors with their path.
public struct Scenario: Codable, Sendable, Equatable {
    public static let placeholder = "{size}"

    public var name: String
    public var description: String?
    /// Shell command run once (cwd = the scenario's directory) before measuring.
    public var build: String?
    public var run: RunSpec
    public var repetitions: Int
    /// Against a base measured in the same run (`--base`), the most pairs an
    /// inconclusive scenario may grow to (see `SequentialPlan`); nil: twice
    /// `repetitions`.
    public var maxRepetitions: Int?
    public var warmup: Int
    public var sizes: [Int]?
    /// nil: every probe this build implements and this kernel supports.
    public var probes: [ProbeName]?
    public var cpu: CPUSettings
    public var alloc: AllocSettings
    public var thresholds: Thresholds

    static let keys = ["name", "description", "build", "run", "repetitions", "max_repetitions", "warmup", "sizes", "probes", "cpu",
                       "alloc", "thresholds"]

    public init(name: String, description: String? = nil, build: String? = nil, run: RunSpec,
                repetitions: Int = 10, warmup: Int = 1, sizes: [Int]? = nil, probes: [ProbeName]? = nil,
                cpu: CPUSettings = CPUSettings(), alloc: AllocSettings = AllocSettings(),
                thresholds: Thresholds = Thresholds()) {
        self.name = name
        self.description = description
        self.build = build
        self.run = run
        self.repetitions = repetitions
        self.warmup = warmup
        self.sizes = sizes
        self.probes = probes
        self.cpu = cpu
        self.alloc = alloc
        self.thresholds = thresholds
    }

    public init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(Self.keys, in: "a scenario")
        let c = try decoder.container(keyedBy: AnyKey.self)
        guard let name = try c.string("name") else {
            throw ScenarioError(codingPath: decoder.codingPath, "missing key 'name' (the scenario's unique id)")
        }
        guard !name.isEmpty, name.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "._-".contains($0)) }),
              !name.hasPrefix(".") else {
            throw ScenarioError(path: ["name"], "'\(name)' is not a valid name: use letters, digits, '.', '_' and '-' "
                + "(it names the baseline file)")
        }
        self.name = name
        description = try c.string("description")
        build = try c.string("build")
        guard c.contains(AnyKey("run")) else {
            throw ScenarioError(codingPath: decoder.codingPath, "missing key 'run' (what to execute)")
        }
        run = try c.decode(RunSpec.self, forKey: AnyKey("run"))
        repetitions = try c.int("repetitions", range: 2...10_000) ?? 10
        maxRepetitions = try c.int("max_repetitions", range: 2...10_000)
        if let maxRepetitions, maxRepetitions < repetitions {
            throw ScenarioError(path: ["max_repetitions"], "max_repetitions \(maxRepetitions) is below repetitions "
                + "\(repetitions): expected at least as many")
        }
        warmup = try c.int("warmup", range: 0...1_000) ?? 1
        sizes = try Self.decodeSizes(c)
        probes = try Self.decodeProbes(c)
        cpu = try c.decodeIfPresent(CPUSettings.self, forKey: AnyKey("cpu")) ?? CPUSettings()
        alloc = try c.decodeIfPresent(AllocSettings.self, forKey: AnyKey("alloc")) ?? AllocSettings()
        thresholds = try c.decodeIfPresent(Thresholds.self, forKey: AnyKey("thresholds")) ?? Thresholds()

        if thresholds.ipcExplicit, let probes, !probes.contains(.pmu) {
            throw ScenarioError(path: ["thresholds", Metric.ThresholdKey.ipc.rawValue], "an IPC threshold needs the pmu probe: add pmu to "
                + "'probes' or remove the threshold")
        }
        let usesSize = run.command.contains { $0.contains(Self.placeholder) }
        if sizes != nil, !usesSize {
            throw ScenarioError(path: ["sizes"], "sizes are given but run.command has no \(Self.placeholder) "
                + "placeholder to put them in")
        }
        if sizes == nil, usesSize {
            throw ScenarioError(path: ["run", "command"], "run.command uses \(Self.placeholder) but the scenario has no "
                + "'sizes' list")
        }
    }

    /// Encodes back to the scenario file's own keys, so results round-trip.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: AnyKey.self)
        try c.encode(name, forKey: AnyKey("name"))
        try c.encodeIfPresent(description, forKey: AnyKey("description"))
        try c.encodeIfPresent(build, forKey: AnyKey("build"))
        try c.encode(run, forKey: AnyKey("run"))
        try c.encode(repetitions, forKey: AnyKey("repetitions"))
        try c.encodeIfPresent(maxRepetitions, forKey: AnyKey("max_repetitions"))
        try c.encode(warmup, forKey: AnyKey("warmup"))
        try c.encodeIfPresent(sizes, forKey: AnyKey("sizes"))
        try c.encodeIfPresent(probes?.map(\.rawValue), forKey: AnyKey("probes"))
        try c.encode(cpu, forKey: AnyKey("cpu"))
        try c.encode(alloc, forKey: AnyKey("alloc"))
        try c.encode(thresholds, forKey: AnyKey("thresholds"))
    }

    private static func decodeSizes(_ c: KeyedDecodingContainer<AnyKey>) throws -> [Int]? {
        let key = AnyKey("sizes")
        guard c.contains(key) else { return nil }
        guard let sizes = try? c.decode([Int].self, forKey: key), !sizes.isEmpty else {
            throw ScenarioError(codingPath: c.codingPath + [key], "expected a non-empty list of positive integers")
        }
        if let bad = sizes.first(where: { $0 <= 0 }) {
            throw ScenarioError(codingPath: c.codingPath + [key], "size \(bad) is not positive")
        }
        if Set(sizes).count != sizes.count {
            throw ScenarioError(codingPath: c.codingPath + [key], "sizes repeat a value")
        }
        return sizes
    }

    private static func decodeProbes(_ c: KeyedDecodingContainer<AnyKey>) throws -> [ProbeName]? {
        let key = AnyKey("probes")
        guard c.contains(key) else { return nil }
        guard let names = try? c.decode([String].self, forKey: key) else {
            throw ScenarioError(codingPath: c.codingPath + [key], "expected a list of probe names")
        }
        if names.isEmpty {
            throw ScenarioError(codingPath: c.codingPath + [key],
                                "is empty: name at least one probe, or leave 'probes' out for every probe this kernel supports")
        }
        return try names.enumerated().map { i, name in
            guard let probe = ProbeName(rawValue: name) else {
                throw ScenarioError(path: c.codingPath.map(\.stringValue) + ["probes", String(i)],
                                    "unknown probe '\(name)'; expected one of: "
                                        + ProbeName.allCases.map(\.rawValue).joined(separator: ", "))
            }
            return probe
        }
    }

    /// The command for one size, with `{size}` substituted.
    public func command(size: Int?) -> [String] {
        guard let size else { return run.command }
        return run.command.map { $0.replacingOccurrences(of: Self.placeholder, with: String(size)) }
    }
}

/// `run:` — what to execute for one measured run.
public struct RunSpec: Codable, Sendable, Equatable {
    /// argv; `{size}` and `${ENV}` are substituted.
    public var command: [String]
    public var env: [String: String]
    /// Relative to the scenario file.
    public var cwd: String
    /// A file fed to stdin, relative to the scenario file; nil reads nothing (/dev/null).
    public var stdin: String?
    public var timeoutSeconds: Double
    public var expectExit: Int32
    /// Turn on the perf maps of JIT compilers and interpreters (`JitMaps`).
    public var jitMaps: Bool

    static let keys = ["command", "env", "cwd", "stdin", "timeout", "expect_exit", "jit_maps"]

    public init(command: [String], env: [String: String] = [:], cwd: String = ".", stdin: String? = nil,
                timeoutSeconds: Double = 60, expectExit: Int32 = 0, jitMaps: Bool = false) {
        self.command = command
        self.env = env
        self.cwd = cwd
        self.stdin = stdin
        self.timeoutSeconds = timeoutSeconds
        self.expectExit = expectExit
        self.jitMaps = jitMaps
    }

    public init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(Self.keys, in: "run")
        let c = try decoder.container(keyedBy: AnyKey.self)
        let key = AnyKey("command")
        guard c.contains(key) else {
            throw ScenarioError(codingPath: decoder.codingPath, "missing key 'command' (a list: program and arguments)")
        }
        guard let command = try? c.decode([String].self, forKey: key) else {
            throw ScenarioError(codingPath: c.codingPath + [key], "expected a list of strings: program and arguments")
        }
        guard let program = command.first, !program.trimmingCharacters(in: .whitespaces).isEmpty else {
            throw ScenarioError(codingPath: c.codingPath + [key], "the command is empty: expected at least a program")
        }
        self.command = command
        if c.contains(AnyKey("env")) {
            guard let env = try? c.decode([String: String].self, forKey: AnyKey("env")) else {
                throw ScenarioError(codingPath: c.codingPath + [AnyKey("env")],
                                    "expected a mapping of variable names to strings (quote numbers)")
            }
            self.env = env
        } else {
            env = [:]
        }
        cwd = try c.string("cwd") ?? "."
        stdin = try c.string("stdin")
        timeoutSeconds = try c.quantity("timeout", expected: "a duration like 30s, 500ms or 2m",
                                        Quantity.seconds) ?? 60
        if let problem = Quantity.durationProblem(timeoutSeconds) {
            throw ScenarioError(codingPath: c.codingPath + [AnyKey("timeout")], "\(Quantity.format(seconds: timeoutSeconds)) \(problem)")
        }
        if c.contains(AnyKey("expect_exit")) {
            guard let code = try? c.decode(Int32.self, forKey: AnyKey("expect_exit")), (0...255).contains(code) else {
                throw ScenarioError(codingPath: c.codingPath + [AnyKey("expect_exit")], "expected an exit code from 0 to 255")
            }
            expectExit = code
        } else {
            expectExit = 0
        }
        if c.contains(AnyKey("jit_maps")) {
            guard let on = try? c.decode(Bool.self, forKey: AnyKey("jit_maps")) else {
                throw ScenarioError(codingPath: c.codingPath + [AnyKey("jit_maps")], "expected true or false")
            }
            jitMaps = on
        } else {
            jitMaps = false
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: AnyKey.self)
        try c.encode(command, forKey: AnyKey("command"))
        try c.encode(env, forKey: AnyKey("env"))
        try c.encode(cwd, forKey: AnyKey("cwd"))
        try c.encodeIfPresent(stdin, forKey: AnyKey("stdin"))
        try c.encode(Quantity.format(seconds: timeoutSeconds), forKey: AnyKey("timeout"))
        try c.encode(expectExit, forKey: AnyKey("expect_exit"))
        if jitMaps { try c.encode(jitMaps, forKey: AnyKey("jit_maps")) }
    }
}

/// `cpu:` settings.
public struct CPUSettings: Codable, Sendable, Equatable {
    public var frequency: UInt32

    /// 499 Hz: a prime, so sampling does not run in step with a program's
    /// own periodic work (a 1 kHz timer, a 100 Hz tick) — BCC's `profile`
    /// samples at 49 Hz for the same reason.
    public static let defaultFrequency: UInt32 = 499

    public init(frequency: UInt32 = CPUSettings.defaultFrequency) { self.frequency = frequency }

    public init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(["frequency"], in: "cpu")
        let c = try decoder.container(keyedBy: AnyKey.self)
        frequency = UInt32(try c.int("frequency", range: 1...100_000) ?? Int(Self.defaultFrequency))
    }
}

/// `alloc:` settings (used by the allocation probe).
public struct AllocSettings: Codable, Sendable, Equatable {
    public static let libraries = ["libc", "jemalloc", "tcmalloc", "mimalloc", "cxx"]
    public var library: String
    /// Sample one allocation per this many bytes; 1 traces every allocation.
    /// The default samples (a preloaded shim, cost ∝ sampled events): exact
    /// tracing puts uprobes on the allocator, which every process on the
    /// machine pays for while a run is recorded.
    public var sampleEvery: UInt64
    public static let defaultSampleEvery: UInt64 = 512 * 1024

    public init(library: String = "libc", sampleEvery: UInt64 = AllocSettings.defaultSampleEvery) {
        self.library = library
        self.sampleEvery = sampleEvery
    }

    public init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(["library", "sample_every"], in: "alloc")
        let c = try decoder.container(keyedBy: AnyKey.self)
        library = try c.string("library") ?? "libc"
        guard Self.libraries.contains(library) else {
            throw ScenarioError(codingPath: c.codingPath + [AnyKey("library")],
                                "unknown allocator '\(library)'; expected one of: " + Self.libraries.joined(separator: ", "))
        }
        sampleEvery = try c.quantity("sample_every", expected: "a byte count like 1, 512KiB or 1MiB", numbers: true,
                                     Quantity.bytes) ?? Self.defaultSampleEvery
        if let problem = Quantity.sampleEveryProblem(sampleEvery) {
            throw ScenarioError(codingPath: c.codingPath + [AnyKey("sample_every")], problem)
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: AnyKey.self)
        try c.encode(library, forKey: AnyKey("library"))
        try c.encode(sampleEvery, forKey: AnyKey("sample_every"))
    }
}

/// How busy-polling findings count.
public enum Enforcement: String, Codable, Sendable {
    case fail, warn, off
}

/// `thresholds:` — the τ of each metric (the statistics and their reasons: TheGate.md in the documentation catalog).
public struct Thresholds: Codable, Sendable, Equatable {
    public var wallTime: Double
    public var cpuTime: Double
    /// Inclusive share rise, in percentage points.
    public var functionSharePoints: Double
    public var leakedBytes: UInt64
    /// How much more an allocation path may hold at its height than in the
    /// base, in every run, before it is growth (default 1 MiB).
    public var retainedBytes: UInt64
    public var complexityExponent: Double
    public var ioP99: Double
    public var ipc: Double
    /// Whether the scenario sets `ipc`. Most CI machines have no PMU, so the
    /// default τ gates instructions per cycle only where it was measured; a
    /// threshold the user wrote is reported "not evaluated" where it cannot be
    /// (see `requires`), and encoding keeps it unset when it was.
    public var ipcExplicit: Bool
    public var busyPoll: Enforcement

    /// The gating keys (`Metric.ThresholdKey`) and those of the detectors, in the order errors list them.
    static let keys: [String] = {
        typealias Key = Metric.ThresholdKey
        return [Key.wallTime.rawValue, Key.cpuTime.rawValue, "function_share", Key.leakedBytes.rawValue, "retained_bytes",
                "complexity_exponent", Key.ioP99.rawValue, Key.ipc.rawValue, "busy_poll"]
    }()
    public static let defaultRetainedBytes: UInt64 = 1 << 20
    static let defaultIPC = 0.02

    public init(wallTime: Double = 0.05, cpuTime: Double = 0.05, functionSharePoints: Double = 2,
                leakedBytes: UInt64 = 0, retainedBytes: UInt64 = Thresholds.defaultRetainedBytes,
                complexityExponent: Double = 1.3, ioP99: Double = 0.10, ipc: Double? = nil,
                busyPoll: Enforcement = .fail) {
        self.wallTime = wallTime
        self.cpuTime = cpuTime
        self.functionSharePoints = functionSharePoints
        self.leakedBytes = leakedBytes
        self.retainedBytes = retainedBytes
        self.complexityExponent = complexityExponent
        self.ioP99 = ioP99
        self.ipc = ipc ?? Self.defaultIPC
        ipcExplicit = ipc != nil
        self.busyPoll = busyPoll
    }

    public init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(Self.keys, in: "thresholds")
        let c = try decoder.container(keyedBy: AnyKey.self)
        let d = Thresholds()
        let percent = "a percentage like 5%"
        wallTime = try c.quantity(Metric.ThresholdKey.wallTime.rawValue, expected: percent, Quantity.fraction) ?? d.wallTime
        cpuTime = try c.quantity(Metric.ThresholdKey.cpuTime.rawValue, expected: percent, Quantity.fraction) ?? d.cpuTime
        functionSharePoints = try c.quantity("function_share", expected: "percentage points like 2pp",
                                             Quantity.percentagePoints) ?? d.functionSharePoints
        leakedBytes = try c.quantity(Metric.ThresholdKey.leakedBytes.rawValue, expected: "a byte count like 0 or 64KiB", numbers: true,
                                     Quantity.bytes) ?? d.leakedBytes
        retainedBytes = try c.quantity("retained_bytes", expected: "a byte count like 1MiB", numbers: true,
                                       Quantity.bytes) ?? d.retainedBytes
        complexityExponent = try c.quantity("complexity_exponent", expected: "a number like 1.3", numbers: true) {
            Double($0).flatMap { $0 > 0 && $0 < 10 ? $0 : nil }
        } ?? d.complexityExponent
        ioP99 = try c.quantity(Metric.ThresholdKey.ioP99.rawValue, expected: percent, Quantity.fraction) ?? d.ioP99
        ipc = try c.quantity(Metric.ThresholdKey.ipc.rawValue, expected: percent, Quantity.fraction) ?? d.ipc
        ipcExplicit = c.contains(AnyKey(Metric.ThresholdKey.ipc.rawValue))
        busyPoll = try c.quantity("busy_poll", expected: "one of fail, warn, off") { Enforcement(rawValue: $0) }
            ?? d.busyPoll
    }

    /// Whether a metric gated by `key` must be evaluated: when it cannot be
    /// (unavailable on this machine or in the baseline) the scenario is
    /// inconclusive rather than passing. Every threshold must, except an `ipc`
    /// the scenario does not set: a scenario that does not mention IPC stays
    /// quiet on the many machines without a PMU.
    public func requires(_ key: Metric.ThresholdKey) -> Bool {
        key != .ipc || ipcExplicit
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: AnyKey.self)
        try c.encode(Quantity.format(fraction: wallTime), forKey: AnyKey(Metric.ThresholdKey.wallTime.rawValue))
        try c.encode(Quantity.format(fraction: cpuTime), forKey: AnyKey(Metric.ThresholdKey.cpuTime.rawValue))
        try c.encode(Quantity.format(points: functionSharePoints), forKey: AnyKey("function_share"))
        try c.encode(leakedBytes, forKey: AnyKey(Metric.ThresholdKey.leakedBytes.rawValue))
        try c.encode(retainedBytes, forKey: AnyKey("retained_bytes"))
        try c.encode(complexityExponent, forKey: AnyKey("complexity_exponent"))
        try c.encode(Quantity.format(fraction: ioP99), forKey: AnyKey(Metric.ThresholdKey.ioP99.rawValue))
        if ipcExplicit { try c.encode(Quantity.format(fraction: ipc), forKey: AnyKey(Metric.ThresholdKey.ipc.rawValue)) }
        try c.encode(busyPoll, forKey: AnyKey("busy_poll"))
    }
}
