import Analysis
import ArgumentParser
import Foundation
import Model

/// `flamegate merge FILES...`: one verdict from the results of `--shard` jobs.
struct Merge: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Join the results files of sharded runs into one verdict and one set of reports.")

    @Argument(help: "Results files written by `flamegate run --json`.")
    var files: [String]

    @OptionGroup var reports: ReportOptions

    func validate() throws {
        if files.isEmpty { throw ValidationError("missing results files: flamegate merge A.json B.json ...") }
    }

    func run() throws {
        let parts = files.map(loadReport)
        var seen: [String: String] = [:]
        var scenarios: [ScenarioReport] = []
        for (file, part) in zip(files, parts) {
            for s in part.scenarios {
                if let other = seen[s.name] {
                    fail("scenario '\(s.name)' appears in both \(other) and \(file): were the shards overlapping?")
                }
                seen[s.name] = file
                scenarios.append(s)
            }
        }
        scenarios.sort { $0.name < $1.name }
        let report = RunReport(startedAt: parts.map(\.startedAt).min()!, environment: parts[0].environment,
                               shard: nil, scenarios: scenarios)
        throw ExitCode(try reports.emit(report))
    }
}
