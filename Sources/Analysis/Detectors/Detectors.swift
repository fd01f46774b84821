import Model

/// Runs every detector on one scenario's measurement and comparison.
public enum Detectors {
    public struct Result: Sendable {
        public var findings: [Finding]
        /// Functions whose REGRESSED verdict a detector explained away (moved cost).
        public var excusedFunctions: Set<String>
        public var complexity: ComplexityReport?
    }

    /// `thresholds`: the effective ones (`Gate.thresholds(for:)`), as the comparison used.
    public static func analyze(run: ScenarioRun, baseline: Baseline?, comparison: ScenarioComparison?,
                               thresholds: Thresholds) -> Result {
        var findings: [Finding] = []
        var excused = Set<String>()
        let complexity = ComplexityDetector.analyze(run.sizes, baseline: baseline?.sizes,
                                                    threshold: thresholds.complexityExponent)
        findings += complexity.findings
        for size in run.sizes {
            var specific = BusyPollingDetector.detect(size, before: baseline?.size(size.size), policy: thresholds.busyPoll)
            guard let comparison else {
                findings += specific
                continue
            }
            specific += WaitingDetector.detect(size, metrics: comparison.metrics, thresholds: thresholds)
            let leaks = LeakDetector.detect(size, before: baseline?.size(size.size), metrics: comparison.metrics)
            specific += leaks
            // a path that leaks is the leak's finding; growth is memory held while running
            specific += GrowthDetector.detect(size, before: baseline?.size(size.size),
                                              allowance: Double(thresholds.retainedBytes))
                .filter { g in !leaks.contains { $0.function == g.function } }
            specific += IOLatencyDetector.detect(size, metrics: comparison.metrics)
            let hot = HotspotDetector.detect(comparison, now: size, before: baseline?.size(size.size))
            excused.formUnion(hot.excused)
            // a named cause (busy-polling, a lock, a complexity jump) is the
            // explanation; plain CPU hotspots are named only without one
            let explained = !(specific + complexity.findings).filter { $0.severity == .error }.isEmpty
            findings += specific + hot.findings.filter { $0.kind == .hotspotShift || !explained }
        }
        return Result(findings: HotspotDetector.mergedAcrossSizes(findings), excusedFunctions: excused,
                      complexity: complexity.report)
    }
}
