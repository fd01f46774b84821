import Analysis
import ArgumentParser
import Foundation
import Model
import Output

/// `flamegate compare OLD.json NEW.json`: judge saved results without rerunning.
struct Compare: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Compare two results files written by `flamegate run --json`: OLD is the baseline.")

    @Argument(help: "Results taken as the baseline.")
    var old: String

    @Argument(help: "Results to judge.")
    var new: String

    @OptionGroup var reports: ReportOptions

    @Flag(help: "Show every scenario with every metric, size and function in the terminal report.")
    var verbose = false

    func run() throws {
        let report = try CLIError.map {
            try ResultsFiles.compare(old: (old, ResultsFile.read(old)), new: (new, ResultsFile.read(new)))
        }
        try reports.finish(report, verbose: verbose)
    }
}
