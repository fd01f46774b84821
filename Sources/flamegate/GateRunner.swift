import Analysis
import Foundation
import Harness
import Model
import Probes
import Reports

/// What `run` and `baseline update` share: checking the machine, loading the
/// scenarios, running them with progress.
struct GateRunner {
    let paths: [String]
    let shard: Shard?
    let repetitions: Int?
    let verbose: Bool

    /// Fails with exit 2 on anything that is not the targets' fault.
    func loadScenarios() -> [LoadedScenario] {
        Libbpf.captureLogs(verbose: verbose)
        signal(SIGPIPE, SIG_IGN)
        do {
            try Capabilities.requireRecording()
        } catch let error as ProbeError {
            fail(error.description)
        } catch {
            fail("\(error)")
        }
        var scenarios: [LoadedScenario]
        do {
            scenarios = try ScenarioLoader.loadAll(paths)
        } catch let error as ScenarioFileError {
            fail(error.description)
        } catch {
            fail("\(error)")
        }
        if let shard { scenarios = scenarios.filter { shard.includes($0.scenario.name) } }
        if let repetitions {
            for i in scenarios.indices { scenarios[i].scenario.repetitions = repetitions }
        }
        return scenarios
    }

    /// Runs every scenario; environment errors exit 2.
    func measure(_ scenarios: [LoadedScenario]) -> [ScenarioRun] {
        Interruption.shared.install()
        let progress = Progress()
        progress.plan(runs: scenarios.map { ScenarioRunner.plannedRuns($0.scenario) }.reduce(0, +))
        let runner = ScenarioRunner(recorder: Recorder(interruption: Interruption.shared, repeated: true), progress: progress,
                                    interruption: Interruption.shared)
        var runs: [ScenarioRun] = []
        for (i, loaded) in scenarios.enumerated() {
            do {
                let run = try runner.run(loaded, index: i + 1, of: scenarios.count)
                runs.append(run)
                progress.note("\(run.failure == nil ? "measured" : "FAILED  ") \(loaded.scenario.name)"
                    + (run.failure.map { ": \($0.message)" } ?? ""))
            } catch let error as ProbeError {
                progress.finish()
                fail(error.description)
            } catch {
                progress.finish()
                fail("\(loaded.scenario.name): \(error)")
            }
            if Interruption.shared.isSet { break }
        }
        progress.finish()
        return runs
    }
}
