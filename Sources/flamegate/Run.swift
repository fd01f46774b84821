import Analysis
import ArgumentParser
import Foundation
import Harness
import Model
import Output
import Reports

/// `flamegate run [paths]`: the gate. Runs the scenarios, compares them with
/// their baselines and exits 0 (pass), 1 (regression or failed scenario) or 2.
struct Run: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run scenarios and compare them with their baselines.")

    @OptionGroup var selection: ScenarioSelection

    @OptionGroup var base: BaseOptions

    @OptionGroup var reports: ReportOptions

    func run() throws {
        let suite = selection.suite
        let scenarios = try CLIError.map { try suite.loadScenarios() }
        // every baseline must be readable before anything runs
        let store = BaselineStore(directory: URL(fileURLWithPath: selection.baselines))
        let (stored, problems) = store.loadAll(scenarios.map(\.scenario), baseMeasured: base.isSet)
        if !problems.isEmpty { throw CLIError(problems.map(\.description).joined(separator: "\nflamegate: error: ")) }
        var setup: BaseSetup?
        if base.isSet {
            setup = try CLIError.map {
                try BaseSetup(ref: base.base, directory: base.baseDir, environment: base.environment,
                              maxRepetitions: base.maxRepetitions, paths: selection.paths)
            }
        }
        defer { setup?.remove() }
        // a stored baseline from another machine: its commit measured here, interleaved
        let remeasured = setup == nil ? BaseSetup.remeasure(scenarios, stored) {
            Console.write("flamegate: warning: \($0)\n", to: STDERR_FILENO)
        } : [:]
        defer { remeasured.values.forEach { $0.remove() } }
        let started = Date()
        let judged = try CLIError.map {
            try suite.judge(scenarios, base: { setup ?? remeasured[$0.scenario.name] }, stored: stored)
        }
        let report = RunReport(startedAt: started, environment: .current(), shard: selection.shard, scenarios: judged)
        try reports.finish(report, verbose: selection.verbose)
    }
}
