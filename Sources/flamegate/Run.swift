import Analysis
import ArgumentParser
import Foundation
import Harness
import Model
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
        let gate = selection.gate
        let scenarios = gate.loadScenarios()
        // every baseline must be readable before anything runs
        let store = BaselineStore(directory: URL(fileURLWithPath: selection.baselines))
        var loaded: [String: Baseline] = [:]
        var problems: [String] = []
        for s in scenarios {
            do {
                loaded[s.scenario.name] = try store.load(s.scenario.name)
            } catch let error as BaselineError {
                // against a base measured now a stored baseline only serves scenarios the base lacks
                if case .missing = error, base.isSet { continue }
                problems.append(error.description)
            }
        }
        if !problems.isEmpty { fail(problems.joined(separator: "\nflamegate: error: ")) }
        var setup: BaseSetup?
        if base.isSet {
            do {
                setup = try BaseSetup(base, paths: selection.paths)
            } catch {
                fail("\(error)")
            }
        }
        defer { setup?.remove() }
        let started = Date()
        let report = RunReport(startedAt: started, environment: .current(), shard: selection.shard,
                               scenarios: gate.judge(scenarios, base: setup, stored: loaded))
        do {
            throw ExitCode(try reports.emit(report))
        } catch let error as ExitCode {
            throw error
        } catch {
            fail("writing reports: \(error)")
        }
    }
}
