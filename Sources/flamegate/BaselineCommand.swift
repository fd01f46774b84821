import ArgumentParser
import Foundation
import Harness
import Model
import Output
import Reports

/// `flamegate baseline update [paths]`: measure and store accepted baselines.
struct BaselineCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "baseline", abstract: "Manage stored baselines.", subcommands: [Update.self])

    struct Update: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Run scenarios and write baselines/<scenario>.json for each.")

        @OptionGroup var selection: ScenarioSelection

        func run() throws {
            let suite = selection.suite
            let runs = try CLIError.map { try suite.measure(try suite.loadScenarios()) }
            let store = BaselineStore(directory: URL(fileURLWithPath: selection.baselines))
            var failed = 0
            for run in runs {
                if let failure = run.failure {
                    failed += 1
                    print("not updated: \(run.scenario.name): \(failure.message)")
                    if let tail = failure.stderrTail { print(tail.split(separator: "\n").map { "    \($0)" }.joined(separator: "\n")) }
                    continue
                }
                var baseline = Baseline(scenario: run.scenario.name, createdAt: Date(), environment: run.environment,
                                        sizes: run.sizes)
                baseline.commit = BaseTree.cleanCommit(of: URL(fileURLWithPath: run.file))
                do {
                    try store.save(baseline)
                } catch {
                    throw CLIError("\(store.url(for: run.scenario.name).path): cannot write: \(error.localizedDescription)")
                }
                print("updated \(store.url(for: run.scenario.name).path)")
            }
            if failed > 0 { throw ExitCode(ExitCodes.regression) }
        }
    }
}
