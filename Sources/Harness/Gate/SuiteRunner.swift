import Analysis
import Foundation
import Model

/// A suite of scenarios, as `run` and `baseline update` run it: the machine
/// checked, the scenarios loaded (a shard of them, repetitions overridden),
/// each measured with progress — against its base measured in the same run
/// or its stored baseline — and judged (`PairedGate`, `ScenarioReport`).
///
/// Every error it throws is not the targets' fault (a target that fails is a
/// failed scenario in the results): an `EnvironmentProblem`, a
/// `ScenarioFileError`, or a `SuiteError` naming the scenario.
public struct SuiteRunner {
    let paths: [String]
    let shard: Shard?
    let repetitions: Int?
    let verbose: Bool

    public init(paths: [String], shard: Shard?, repetitions: Int?, verbose: Bool) {
        self.paths = paths
        self.shard = shard
        self.repetitions = repetitions
        self.verbose = verbose
    }

    /// What stopped the suite while a scenario ran, for reasons not its target's.
    public struct SuiteError: Error, CustomStringConvertible {
        public var description: String
    }

    /// Gets the machine ready to record and loads the scenarios.
    public func loadScenarios() throws -> [LoadedScenario] {
        try Machine.prepareToRecord(verbose: verbose)
        var scenarios = try ScenarioLoader.loadAll(paths)
        if let shard { scenarios = scenarios.filter { shard.includes($0.scenario.name) } }
        if let repetitions {
            for i in scenarios.indices { scenarios[i].scenario.repetitions = repetitions }
        }
        return scenarios
    }

    /// Runs every scenario.
    public func measure(_ scenarios: [LoadedScenario]) throws -> [ScenarioRun] {
        try measure(scenarios, base: { _ in nil }, stored: [:]).map(\.run)
    }

    /// Runs every scenario, each against its base measured in the same run
    /// when `base` is given (else against its stored baseline, in `stored`),
    /// and judges it.
    public func judge(_ scenarios: [LoadedScenario], base: (LoadedScenario) -> BaseSetup?, stored: [String: Baseline])
        throws -> [ScenarioReport] {
        try measure(scenarios, base: base, stored: stored).map(\.report)
    }

    private func measure(_ scenarios: [LoadedScenario], base: (LoadedScenario) -> BaseSetup?, stored: [String: Baseline])
        throws -> [(run: ScenarioRun, report: ScenarioReport)] {
        Interruption.shared.install()
        let progress = Progress()
        progress.plan(runs: scenarios.map { ScenarioRunner.plannedRuns($0.scenario, sides: base($0) == nil ? 1 : 2) }
            .reduce(0, +))
        let runner = ScenarioRunner(recorder: Recorder(interruption: Interruption.shared, repeated: true), progress: progress,
                                    interruption: Interruption.shared)
        var runs: [(run: ScenarioRun, report: ScenarioReport)] = []
        for (i, loaded) in scenarios.enumerated() {
            do {
                let run: ScenarioRun, report: ScenarioReport
                if let base = base(loaded) {
                    (run, report) = try measurePaired(loaded, base: base, stored: stored[loaded.scenario.name],
                                                      runner: runner, index: i + 1, of: scenarios.count)
                } else {
                    run = try runner.run(loaded, index: i + 1, of: scenarios.count)
                    report = ScenarioReport(run: run, baseline: stored[loaded.scenario.name])
                }
                runs.append((run, report))
                progress.note("\(run.failure == nil ? "measured" : "FAILED  ") \(loaded.scenario.name)"
                    + (run.failure.map { ": \($0.message)" } ?? ""))
            } catch let error as any EnvironmentProblem {
                progress.finish()
                throw error
            } catch {
                progress.finish()
                throw SuiteError(description: "\(loaded.scenario.name): \(error)")
            }
            if Interruption.shared.isSet { break }
        }
        progress.finish()
        return runs
    }

    /// One scenario against its base: both sides in pairs, or the change
    /// alone when the base has no such scenario or its file does not load.
    private func measurePaired(_ loaded: LoadedScenario, base: BaseSetup, stored: Baseline?, runner: ScenarioRunner,
                               index: Int, of count: Int) throws -> (ScenarioRun, ScenarioReport) {
        var plan = SequentialPlan(loaded.scenario)
        if let maximum = base.maxRepetitions { plan = SequentialPlan(first: plan.first, maximum: maximum, batch: plan.batch) }
        let counterpart: LoadedScenario?
        switch base.counterpart(of: loaded, repetitions: repetitions) {
        case let .success(found):
            counterpart = found
        case let .failure(error):
            let run = try runner.run(loaded, index: index, of: count)
            let failed = ScenarioRun(scenario: loaded.scenario, file: error.file, environment: run.environment, sizes: [],
                                     failure: ScenarioFailure(kind: .launch, message: error.description), probes: [])
            return (run, PairedGate.report(change: run, base: failed, source: base.description, plan: plan, stored: stored))
        }
        guard let counterpart else {
            let run = try runner.run(loaded, index: index, of: count)
            return (run, PairedGate.report(change: run, base: nil, source: base.description, plan: plan, stored: stored))
        }
        let sides = (base: ScenarioSide(counterpart, environment: base.environment, label: "base", build: base.builds),
                     change: ScenarioSide(loaded, label: "change"))
        let (b, c) = try runner.runPaired(base: sides.base, change: sides.change, index: index, of: count, plan: plan) {
            PairedGate.decided(change: $1, base: $0, plan: plan)
        }
        var report = PairedGate.report(change: c, base: b, source: base.description, plan: plan, stored: stored)
        if let note = base.note { report.warnings.insert(note, at: 0) }
        return (c, report)
    }
}
