import Analysis
import ArgumentParser
import Foundation
import Model

/// `flamegate compare OLD.json NEW.json`: judge saved results without rerunning.
struct Compare: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Compare two results files written by `flamegate run --json`: OLD is the baseline.")

    @Argument(help: "Results taken as the baseline.")
    var old: String

    @Argument(help: "Results to judge.")
    var new: String

    @OptionGroup var reports: ReportOptions

    func run() throws {
        let before = loadReport(old), after = loadReport(new)
        var scenarios: [ScenarioReport] = []
        for current in after.scenarios {
            guard let reference = before.scenarios.first(where: { $0.name == current.name }) else {
                var report = ScenarioReport(run: current.run, baseline: nil)
                report.warnings.append("not in \(old): nothing to compare with")
                scenarios.append(report)
                continue
            }
            let baseline = Baseline(scenario: reference.name, createdAt: before.startedAt,
                                    environment: reference.run.environment, sizes: reference.run.sizes)
            scenarios.append(ScenarioReport(run: current.run, baseline: reference.run.failure == nil ? baseline : nil))
        }
        let report = RunReport(startedAt: after.startedAt, environment: after.environment, shard: after.shard,
                               scenarios: scenarios)
        throw ExitCode(try reports.emit(report))
    }
}
