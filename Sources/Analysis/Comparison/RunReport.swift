import Foundation
import Model

/// How a scenario came out.
public enum Outcome: String, Codable, Sendable, CaseIterable {
    case pass = "PASS", improved = "IMPROVED", inconclusive = "INCONCLUSIVE", regressed = "REGRESSED"
    case failed = "FAILED"

    public init(_ verdict: Verdict) {
        switch verdict {
        case .pass: self = .pass
        case .improved: self = .improved
        case .inconclusive: self = .inconclusive
        case .regressed: self = .regressed
        }
    }

    /// Regressions and failed scenarios fail the gate.
    public var failsGate: Bool { self == .regressed || self == .failed }
}

/// One scenario's measurement, comparison and outcome.
public struct ScenarioReport: Codable, Sendable {
    public var run: ScenarioRun
    public var comparison: ScenarioComparison?
    public var baselineEnvironment: EnvironmentFingerprint?
    /// The baseline's merged CPU profile per size, for differential flame graphs.
    public var baselineProfiles: [SizedProfile]
    public var outcome: Outcome
    /// Loud notes: a baseline from another machine, lost data, …
    public var warnings: [String]
    /// What the detectors found; an error finding fails the scenario.
    public var findings: [Finding]
    /// Complexity exponents, for scenarios with a `sizes` sweep.
    public var complexity: ComplexityReport?
    /// The base measured in the same run, when there was one (`--base`).
    public var base: BaseReport?
    /// The noise of the wall-time comparison and the smallest change it could flag.
    public var sensitivity: Sensitivity?

    public var name: String { run.scenario.name }

    /// Compares `run` with `baseline` (nil: nothing to compare with, e.g. when
    /// the scenario failed before a baseline was needed).
    ///
    /// With `base` (the base measured in the same run), `baseline` holds the
    /// base side's runs and `design` says they were paired with the change's.
    public init(run: ScenarioRun, baseline: Baseline?, seed: UInt64 = ScalarComparison.defaultSeed,
                design: ScenarioComparator.Design = .unpaired, base: BaseReport? = nil) {
        self.run = run
        self.base = base
        baselineEnvironment = baseline?.environment
        baselineProfiles = baseline?.sizes.compactMap { s in s.cpuProfile.map { SizedProfile(size: s.size, profile: $0) } } ?? []
        var warnings: [String] = []
        if let base, base.failure != nil || base.isNew {
            let instead = baseline == nil ? "" : "; compared with the stored baseline instead"
            let what = base.failure.map { "the base side (\(base.source)) could not be measured: \($0.message)" }
                ?? "NEW: the base (\(base.source)) has no such scenario"
            warnings.append(what + instead)
        }
        if let baseline, design.paired == false {
            let diff = run.environment.differences(from: baseline.environment)
            if !diff.isEmpty {
                warnings.append("baseline recorded on a different machine (" + diff.joined(separator: "; ")
                    + "): timings may not be comparable; update the baseline on this kind of machine")
            }
        }
        for size in run.sizes {
            var lost: [String: UInt64] = [:]
            for r in size.runs { for c in r.lost { lost["\(c.source).\(c.name)", default: 0] += c.count } }
            // one line per size: `lost data: cpu.unknown_frames = 6, unwind.cut_stacks = 26 over 10 runs`
            let counts = lost.filter { $0.value > 0 }.sorted { $0.key < $1.key }.map { "\($0.key) = \($0.value)" }
            if !counts.isEmpty {
                warnings.append("lost data\(size.size.map { " (size \($0))" } ?? ""): " + counts.joined(separator: ", ")
                    + " over \(size.runs.count) runs")
            }
        }
        let judgement = Gate.judge(run, against: baseline, seed: seed, design: design)
        comparison = judgement.comparison
        findings = judgement.findings
        complexity = judgement.complexity
        outcome = judgement.outcome
        sensitivity = Sensitivity(comparison)
        self.warnings = warnings + judgement.warnings
    }
}

/// A profile of one size (nil: the scenario has no sizes).
public struct SizedProfile: Codable, Sendable {
    public var size: Int?
    public var profile: TrimmedProfile

    public init(size: Int?, profile: TrimmedProfile) {
        self.size = size
        self.profile = profile
    }
}

/// The result of `flamegate run` (or `merge`, `compare`): what `--json` writes.
public struct RunReport: Codable, Sendable {
    public static let schemaVersion = 1

    public var schemaVersion: Int
    public var flamegateVersion: String
    public var startedAt: Date
    public var environment: EnvironmentFingerprint
    /// "K/N" when this report covers one shard.
    public var shard: String?
    public var scenarios: [ScenarioReport]

    public init(startedAt: Date, environment: EnvironmentFingerprint, shard: String?, scenarios: [ScenarioReport]) {
        schemaVersion = Self.schemaVersion
        flamegateVersion = Version.flamegate
        self.startedAt = startedAt
        self.environment = environment
        self.shard = shard
        self.scenarios = scenarios
    }

    public var outcome: Outcome {
        if scenarios.contains(where: { $0.outcome == .failed }) { return .failed }
        let verdicts = scenarios.compactMap { s -> Verdict? in
            switch s.outcome {
            case .pass: return .pass
            case .improved: return .improved
            case .inconclusive: return .inconclusive
            case .regressed: return .regressed
            case .failed: return nil
            }
        }
        return Outcome(Verdict.combine(verdicts))
    }

    /// 0 pass, 1 regression or failed scenario — or, with
    /// `failOnInconclusive`, an INCONCLUSIVE one.
    public func exitCode(failOnInconclusive: Bool = false) -> Int32 {
        scenarios.contains { $0.outcome.failsGate || (failOnInconclusive && $0.outcome == .inconclusive) } ? 1 : 0
    }

    public func count(_ outcome: Outcome) -> Int { scenarios.filter { $0.outcome == outcome }.count }
}
