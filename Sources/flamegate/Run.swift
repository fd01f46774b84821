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

    @Argument(help: "Scenario files or directories (default: scenarios).")
    var paths: [String] = ["scenarios"]

    @Option(help: "Directory of the baselines.")
    var baselines: String = "baselines"

    @Option(help: "Run only shard K of N (K/N), a stable subset of the scenarios.")
    var shard: String?

    @Option(help: "Override every scenario's repetitions (at least 2).")
    var repetitions: Int?

    @OptionGroup var reports: ReportOptions

    @Flag(help: "Show libbpf's messages.")
    var verbose = false

    func validate() throws {
        if let shard, Shard(shard) == nil { throw ValidationError("--shard \(shard): expected K/N with 1 ≤ K ≤ N") }
        if let repetitions, repetitions < 2 { throw ValidationError("--repetitions \(repetitions): expected at least 2") }
    }

    func run() throws {
        let gate = GateRunner(paths: paths, shard: shard.flatMap(Shard.init), repetitions: repetitions, verbose: verbose)
        let scenarios = gate.loadScenarios()
        // every baseline must be readable before anything runs
        let store = BaselineStore(directory: URL(fileURLWithPath: baselines))
        var loaded: [String: Baseline] = [:]
        var problems: [String] = []
        for s in scenarios {
            do {
                loaded[s.scenario.name] = try store.load(s.scenario.name)
            } catch let error as BaselineError {
                problems.append(error.description)
            }
        }
        if !problems.isEmpty { fail(problems.joined(separator: "\nflamegate: error: ")) }
        let started = Date()
        let runs = gate.measure(scenarios)
        let report = RunReport(startedAt: started, environment: .current(), shard: shard,
                               scenarios: runs.map { ScenarioReport(run: $0, baseline: loaded[$0.scenario.name]) })
        do {
            throw ExitCode(try reports.emit(report))
        } catch let error as ExitCode {
            throw error
        } catch {
            fail("writing reports: \(error)")
        }
    }
}
