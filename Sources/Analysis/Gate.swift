import Model

/// The one pipeline that judges a scenario's runs against its base, each step
/// once and in this order: the effective thresholds; the comparison of every
/// metric and function (with the machine's explanations: a busier CPU, a
/// slower disk or host); the detectors; the excusal of cost that only moved;
/// the outcome. Reports render the `Judgement`; nothing after it decides.
public enum Gate {
    public struct Judgement: Sendable {
        /// The thresholds every step used (`thresholds(for:)`).
        public var thresholds: Thresholds
        /// nil without a baseline, or when the scenario failed.
        public var comparison: ScenarioComparison?
        public var findings: [Finding]
        public var complexity: ComplexityReport?
        public var outcome: Outcome
        /// What a reader must know about the judgement: a sweep that could
        /// not be fitted, nothing to compare with.
        public var warnings: [String]
    }

    /// The scenario's thresholds, no finer than its probes resolve: in
    /// sampled alloc mode (`sample_every` > 1) leaks of blocks smaller than
    /// the interval are estimates that differ from run to run, so a leak
    /// counts from one interval on, and growth (a sampled height) from four.
    public static func thresholds(for scenario: Scenario) -> Thresholds {
        var t = scenario.thresholds
        let every = scenario.alloc.sampleEvery
        if every > 1 {
            t.leakedBytes = max(t.leakedBytes, every)
            t.retainedBytes = max(t.retainedBytes, 4 * every)
        }
        return t
    }

    /// Judges `run` against `baseline` (nil: nothing to compare with). With
    /// a base measured in the same run, `design` says its runs were paired
    /// with the change's and at what level to test them.
    public static func judge(_ run: ScenarioRun, against baseline: Baseline?, seed: UInt64 = ScalarComparison.defaultSeed,
                             design: ScenarioComparator.Design = .unpaired) -> Judgement {
        let thresholds = thresholds(for: run.scenario)
        guard run.failure == nil else {
            return Judgement(thresholds: thresholds, comparison: nil, findings: [], complexity: nil, outcome: .failed,
                             warnings: [])
        }
        var comparison = baseline.map {
            ScenarioComparator.compare(baseline: $0.sizes, current: run.sizes, thresholds: thresholds, seed: seed,
                                       design: design)
        }
        let detected = Detectors.analyze(run: run, baseline: baseline, comparison: comparison, thresholds: thresholds)
        var warnings: [String] = []
        if let reason = detected.complexity?.notFitted { warnings.append("size sweep: " + reason) }
        // cost that only moved (a rename) does not count against the scenario
        comparison?.excuse(detected.excusedFunctions)
        let failing = detected.findings.contains { $0.severity == .error }
        let outcome: Outcome
        if let comparison {
            outcome = failing ? .regressed : Outcome(comparison.verdict)
        } else {
            outcome = failing ? .regressed : .inconclusive
            warnings.append("no baseline to compare with")
        }
        return Judgement(thresholds: thresholds, comparison: comparison, findings: detected.findings,
                         complexity: detected.complexity, outcome: outcome, warnings: warnings)
    }
}
