import Foundation
import ArgumentParser
import Harness
import Model

/// Which scenarios to run and how, shared by `run` and `baseline update`.
struct ScenarioSelection: ParsableArguments {
    @Argument(help: "Scenario files or directories (default: scenarios).")
    var paths: [String] = ["scenarios"]

    @Option(help: "Directory of the baselines.")
    var baselines: String = "baselines"

    @Option(help: "Only shard K of N (K/N), a stable subset of the scenarios.")
    var shard: String?

    @Option(help: "Override every scenario's repetitions (at least 2).")
    var repetitions: Int?

    @Flag(help: "Show every scenario with every metric, size and function in the terminal report, and libbpf's messages.")
    var verbose = false

    func validate() throws {
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: baselines, isDirectory: &isDirectory), !isDirectory.boolValue {
            throw ValidationError("--baselines \(baselines): is a file; expected the directory that holds SCENARIO.json baselines")
        }
        if let shard, Shard(shard) == nil { throw ValidationError("--shard \(shard): expected K/N with 1 ≤ K ≤ N") }
        if let repetitions, !(2...10_000).contains(repetitions) { throw ValidationError("--repetitions \(repetitions): expected 2 to 10000") }
    }

    var suite: SuiteRunner {
        SuiteRunner(paths: paths, shard: shard.flatMap(Shard.init), repetitions: repetitions, verbose: verbose)
    }
}
