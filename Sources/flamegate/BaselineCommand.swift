import ArgumentParser
import Foundation
import Harness
import Model
import Reports

/// `flamegate baseline update [paths]`: measure and store accepted baselines.
struct BaselineCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "baseline", abstract: "Manage stored baselines.", subcommands: [Update.self])

    struct Update: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Run scenarios and write baselines/<scenario>.json for each.")

        @Argument(help: "Scenario files or directories (default: scenarios).")
        var paths: [String] = ["scenarios"]

        @Option(help: "Directory of the baselines.")
        var baselines: String = "baselines"

        @Option(help: "Update only shard K of N (K/N).")
        var shard: String?

        @Option(help: "Override every scenario's repetitions (at least 2).")
        var repetitions: Int?

        @Flag(help: "Show libbpf's messages.")
        var verbose = false

        func validate() throws {
            if let shard, Shard(shard) == nil { throw ValidationError("--shard \(shard): expected K/N with 1 ≤ K ≤ N") }
            if let repetitions, repetitions < 2 { throw ValidationError("--repetitions \(repetitions): expected at least 2") }
        }

        func run() throws {
            let gate = GateRunner(paths: paths, shard: shard.flatMap(Shard.init), repetitions: repetitions,
                                  verbose: verbose)
            let runs = gate.measure(gate.loadScenarios())
            let store = BaselineStore(directory: URL(fileURLWithPath: baselines))
            var failed = 0
            for run in runs {
                if let failure = run.failure {
                    failed += 1
                    print("not updated: \(run.scenario.name): \(failure.message)")
                    if let tail = failure.stderrTail { print(tail.split(separator: "\n").map { "    \($0)" }.joined(separator: "\n")) }
                    continue
                }
                let baseline = Baseline(scenario: run.scenario.name, createdAt: Date(), environment: run.environment,
                                        sizes: run.sizes)
                do {
                    try store.save(baseline)
                } catch {
                    fail("\(store.url(for: run.scenario.name).path): cannot write: \(error.localizedDescription)")
                }
                print("updated \(store.url(for: run.scenario.name).path)")
            }
            if failed > 0 { throw ExitCode(ExitCodes.regression) }
        }
    }
}
