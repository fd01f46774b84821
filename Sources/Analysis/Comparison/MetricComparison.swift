import Model

/// One metric of one size, baseline vs current.
public struct MetricComparison: Codable, Sendable {
    public var metric: String
    public var unit: String
    public var size: Int?
    /// Whether its verdict gates the scenario (it has a threshold).
    public var gated: Bool
    public var baselineMedian: Double?
    public var currentMedian: Double?
    /// nil when no statistical comparison was possible (see `note`).
    public var comparison: ScalarComparison?
    public var verdict: Verdict
    /// Why the metric was not evaluated, or what to know about it.
    public var note: String?

    public init(metric: String, unit: String, size: Int?, gated: Bool, baselineMedian: Double?,
                currentMedian: Double?, comparison: ScalarComparison?, verdict: Verdict, note: String?) {
        self.metric = metric
        self.unit = unit
        self.size = size
        self.gated = gated
        self.baselineMedian = baselineMedian
        self.currentMedian = currentMedian
        self.comparison = comparison
        self.verdict = verdict
        self.note = note
    }
}

/// One function of one size: its inclusive share of CPU samples, per run,
/// baseline vs current, and what that means in time.
public struct FunctionComparison: Codable, Sendable {
    public var name: String
    public var module: String
    public var size: Int?
    /// Mean inclusive share per run, in percent.
    public var baselineShare: Double
    public var currentShare: Double
    /// Mean self share per run, in percent.
    public var baselineSelfShare: Double
    public var currentSelfShare: Double
    /// Mean inclusive CPU seconds per run (share × samples × period).
    public var baselineSeconds: Double
    public var currentSeconds: Double
    /// Welch's t-test on the per-run shares, and its Benjamini-Hochberg adjustment.
    public var pValue: Double
    public var adjustedPValue: Double
    public var verdict: Verdict

    public init(name: String, module: String, size: Int?, baselineShare: Double, currentShare: Double,
                baselineSelfShare: Double, currentSelfShare: Double, baselineSeconds: Double, currentSeconds: Double,
                pValue: Double, adjustedPValue: Double, verdict: Verdict) {
        self.name = name
        self.module = module
        self.size = size
        self.baselineShare = baselineShare
        self.currentShare = currentShare
        self.baselineSelfShare = baselineSelfShare
        self.currentSelfShare = currentSelfShare
        self.baselineSeconds = baselineSeconds
        self.currentSeconds = currentSeconds
        self.pValue = pValue
        self.adjustedPValue = adjustedPValue
        self.verdict = verdict
    }

    /// Whether its verdict counts toward the scenario's: code of user space
    /// (the program, its libraries, the vDSO). Kernel functions, flamegate's
    /// own BPF programs, unresolved frames and the dynamic loader are shown but
    /// do not gate: their cost moves with the machine (disk, file system, page
    /// cache, other tenants) and the probes — the loader's start-up work of an
    /// unchanged program drifted by +50–64% between batches on the dev VM — and
    /// a program that makes more system calls or loads more libraries shows it
    /// in its own functions and its wall time, which do gate.
    public var gates: Bool { Self.gatesModule(module) }

    public static func gatesModule(_ module: String) -> Bool {
        if module.hasPrefix("ld-linux") || module.hasPrefix("ld.so") || module.hasPrefix("ld64.so") { return false }
        return !module.hasPrefix("[") || module == "[vdso]"
    }

    public var deltaPoints: Double { currentShare - baselineShare }
    public var deltaSeconds: Double { currentSeconds - baselineSeconds }
    public var timeRatio: Double? { baselineSeconds > 0 ? currentSeconds / baselineSeconds : nil }

    /// (s'/(1−s')) / (s/(1−s)) of the mean shares: how the function's cost changed
    /// relative to everything else in the program; immune to machine speed.
    public var oddsRatio: Double {
        func odds(_ percent: Double) -> Double {
            let s = min(max(percent / 100, 1e-9), 1 - 1e-9)
            return s / (1 - s)
        }
        return odds(currentShare) / odds(baselineShare)
    }
}

/// The comparison of one scenario with its baseline.
public struct ScenarioComparison: Codable, Sendable {
    public var metrics: [MetricComparison]
    /// Functions that passed the test rules (≥ 20 samples, ≥ 0.5 pp change), by |Δ share|.
    public var functions: [FunctionComparison]

    public init(metrics: [MetricComparison], functions: [FunctionComparison]) {
        self.metrics = metrics
        self.functions = functions
    }

    /// The most severe verdict of the gated metrics and functions: derived,
    /// never stored apart from them (written to JSON for its readers).
    public var verdict: Verdict {
        Verdict.combine(metrics.filter(\.gated).map(\.verdict) + functions.filter(\.gates).map(\.verdict))
    }

    /// Functions whose move a detector explained away (cost that moved, same callers) pass.
    mutating func excuse(_ names: Set<String>) {
        for i in functions.indices where names.contains(functions[i].name) { functions[i].verdict = .pass }
    }

    enum CodingKeys: String, CodingKey { case metrics, functions, verdict }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        metrics = try c.decode([MetricComparison].self, forKey: .metrics)
        functions = try c.decode([FunctionComparison].self, forKey: .functions)
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(metrics, forKey: .metrics)
        try c.encode(functions, forKey: .functions)
        try c.encode(verdict, forKey: .verdict)
    }
}

extension Verdict {
    /// Severity order for combining verdicts: regressed > inconclusive > improved > pass.
    var severity: Int {
        switch self {
        case .pass: return 0
        case .improved: return 1
        case .inconclusive: return 2
        case .regressed: return 3
        }
    }

    /// The verdict of several: the most severe.
    public static func combine(_ verdicts: [Verdict]) -> Verdict {
        verdicts.max { $0.severity < $1.severity } ?? .pass
    }
}

extension Array where Element == MetricComparison {
    /// The comparison of metric `id` at `size`.
    public func named(_ id: String, size: Int?) -> MetricComparison? { first { $0.metric == id && $0.size == size } }
}
