import Analysis
import ArgumentParser
import Files
import Foundation
import Model
import Output
import Reports

/// Report files every gate command (run, merge, compare) can write.
struct ReportOptions: ParsableArguments {
    @Option(help: "Write the full results (runs, comparisons) as JSON; input of merge and compare.")
    var json: String?

    @Option(help: "Write JUnit XML: one testcase per scenario.")
    var junit: String?

    @Option(help: "Write a Markdown summary (also appended to $GITHUB_STEP_SUMMARY when set).")
    var markdown: String?

    @Option(help: "Directory for report.html, flame graphs (*.svg) and pprof profiles (*.pb.gz).")
    var output: String?

    @Option(help: "Where the HTML report will be published (e.g. the CI artifact): linked from the Markdown summary.")
    var reportURL: String?

    @Flag(help: "No colour in the terminal report (default: colour on a terminal).")
    var noColor = false

    @Flag(help: "Exit 1 when a scenario is INCONCLUSIVE, not only when one regressed or failed.")
    var failOnInconclusive = false

    /// The destinations are checked before anything is measured: a path
    /// that is a directory or lies in a directory that cannot be written
    /// fails now, not after the whole suite ran.
    func validate() throws {
        for (flag, path) in [("--json", json), ("--junit", junit), ("--markdown", markdown)] {
            guard let path else { continue }
            do {
                try SafeFile.checkWritable(path)
            } catch let error as FileError {
                // the path itself is named once; an ancestor that is the problem is named too
                throw ValidationError("\(flag) \(path): \(error.path == path ? error.reason : error.description)")
            }
        }
        if let output {
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: output, isDirectory: &isDirectory), !isDirectory.boolValue {
                throw ValidationError("--output \(output): is a file; expected a directory for report.html and the flame graphs")
            }
            do {
                try SafeFile.checkWritable(URL(fileURLWithPath: output).appendingPathComponent("report.html").path)
            } catch let error as FileError {
                throw ValidationError("--output \(output): \(error.description)")
            }
        }
    }

    /// Writes the reports and exits with the verdict's code; a report that
    /// cannot be written exits 2, like every other environment error.
    func finish(_ report: RunReport, verbose: Bool) throws -> Never {
        let environment = ProcessInfo.processInfo.environment
        let destinations = ReportDestinations(
            json: json, junit: junit, markdown: markdown, output: output, reportURL: reportURL,
            color: !noColor && isatty(STDOUT_FILENO) != 0 && environment["NO_COLOR"] == nil,
            verbose: verbose, environment: environment)
        do {
            try destinations.write(report) { print($0, terminator: "") }
        } catch {
            throw CLIError("writing reports: \(error)")
        }
        throw ExitCode(report.exitCode(failOnInconclusive: failOnInconclusive))
    }
}
