import Analysis
import ArgumentParser
import Foundation
import Model
import Output

/// `flamegate merge FILES...`: one verdict from the results of `--shard` jobs.
struct Merge: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Join the results files of sharded runs into one verdict and one set of reports.")

    @Argument(help: "Results files written by `flamegate run --json`.")
    var files: [String]

    @OptionGroup var reports: ReportOptions

    @Flag(help: "Show every scenario with every metric, size and function in the terminal report.")
    var verbose = false

    func validate() throws {
        if files.isEmpty { throw ValidationError("missing results files: flamegate merge A.json B.json ...") }
    }

    func run() throws {
        let report = try CLIError.map { try ResultsFiles.merge(try files.map { ($0, try ResultsFile.read($0)) }) }
        try reports.finish(report, verbose: verbose)
    }
}
