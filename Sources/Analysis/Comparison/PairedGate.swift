import Foundation
import Model

/// Judging a scenario whose base was measured in the same run, pair by pair
/// (`flamegate run --base`), at the level its sequential plan allows.
public enum PairedGate {
    /// The level α of the look `pairs` pairs reached (the last look at or
    /// below it), and that look's index.
    public static func level(pairs: Int, plan: SequentialPlan, alpha: Double = 0.05) -> (alpha: Double, look: Int) {
        let looks = plan.looks
        let levels = AlphaSpending.levels(looks: looks, maximum: plan.maximum, alpha: alpha)
        let k = looks.lastIndex { $0 <= pairs } ?? 0
        return (levels[k], k)
    }

    /// The pairs measured: the fewest of any size of either side.
    static func pairs(_ base: [SizeResult], _ change: [SizeResult]) -> Int {
        (base + change).map(\.runs.count).min() ?? 0
    }

    /// The change's report against the base's runs; a base that could not be
    /// measured (or does not exist) leaves the stored baseline to compare with.
    public static func report(change: ScenarioRun, base: ScenarioRun?, source: String, plan: SequentialPlan,
                              stored: Baseline?, seed: UInt64 = ScalarComparison.defaultSeed) -> ScenarioReport {
        guard let base else {
            return ScenarioReport(run: change, baseline: stored, seed: seed,
                                  base: BaseReport(source: source, file: nil))
        }
        if let failure = base.failure {
            return ScenarioReport(run: change, baseline: stored, seed: seed,
                                  base: BaseReport(source: source, file: base.file, failure: failure))
        }
        let n = pairs(base.sizes, change.sizes)
        let (alpha, look) = level(pairs: n, plan: plan)
        let baseline = Baseline(scenario: change.scenario.name, createdAt: Date(), environment: base.environment,
                                sizes: base.sizes)
        return ScenarioReport(run: change, baseline: baseline, seed: seed,
                              design: ScenarioComparator.Design(paired: true, alpha: alpha),
                              base: BaseReport(source: source, file: base.file, pairs: n, looks: look + 1,
                                               plannedLooks: plan.looks.count, alpha: alpha))
    }

    /// Whether the runs so far decide the scenario (anything but
    /// INCONCLUSIVE) at the look their pairs reached: the run loop adds pairs
    /// to a scenario that is not.
    public static func decided(change: ScenarioRun, base: ScenarioRun, plan: SequentialPlan) -> Bool {
        report(change: change, base: base, source: "", plan: plan, stored: nil).outcome != .inconclusive
    }
}
