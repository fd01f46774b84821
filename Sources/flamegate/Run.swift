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
        let gate = selection.gate
        let scenarios = try gate.loadScenarios()
        // every baseline must be readable before anything runs
        let store = BaselineStore(directory: URL(fileURLWithPath: selection.baselines))
        var loaded: [String: Baseline] = [:]
        var problems: [String] = []
        for s in scenarios {
            do {
                loaded[s.scenario.name] = try store.load(s.scenario)
            } catch let error as BaselineError {
                // against a base measured now a stored baseline only serves scenarios the base lacks
                if base.isSet {
                    if case .missing = error { continue }
                    if case .missingSizes = error { continue }
                }
                problems.append(error.description)
            }
        }
        if !problems.isEmpty { throw CLIError(problems.joined(separator: "\nflamegate: error: ")) }
        var setup: BaseSetup?
        if base.isSet {
            do {
                setup = try BaseSetup(base, paths: selection.paths)
            } catch {
                throw CLIError("\(error)")
            }
        }
        defer { setup?.remove() }
        // a stored baseline from another machine: its commit measured here, interleaved
        let remeasured = setup == nil ? Self.remeasure(scenarios, loaded) : [:]
        defer { remeasured.values.forEach { $0.remove() } }
        let started = Date()
        let report = RunReport(startedAt: started, environment: .current(), shard: selection.shard,
                               scenarios: try gate.judge(scenarios, base: { setup ?? remeasured[$0.scenario.name] },
                                                     stored: loaded))
        try reports.finish(report, verbose: selection.verbose)
    }

    /// Scenarios whose stored baseline was measured on another kind of
    /// machine at a commit this repository has: that commit, checked out to
    /// be measured in pairs with the change (one worktree per commit).
    static func remeasure(_ scenarios: [LoadedScenario], _ stored: [String: Baseline]) -> [String: BaseSetup] {
        let here = EnvironmentFingerprint.current()
        var trees: [String: BaseSetup] = [:]
        var out: [String: BaseSetup] = [:]
        for s in scenarios {
            guard let baseline = stored[s.scenario.name], let commit = baseline.commit else { continue }
            let differences = here.differences(from: baseline.environment)
            guard !differences.isEmpty, BaseTree.hasCommit(commit, near: s.file) else { continue }
            if trees[commit] == nil {
                do {
                    trees[commit] = try BaseSetup(commit: commit, near: s.file, note: "the stored baseline was "
                        + "recorded on a different machine (" + differences.joined(separator: "; ") + "): its commit \(commit.prefix(12)) was measured here instead, "
                        + "interleaved with the change")
                } catch {
                    let message = "flamegate: warning: \(s.scenario.name): cannot check out its baseline's commit "
                        + "\(commit.prefix(12)): \(error); comparing with the stored baseline\n"
                    Console.write(message, to: STDERR_FILENO)
                    continue
                }
            }
            out[s.scenario.name] = trees[commit]
        }
        return out
    }
}
