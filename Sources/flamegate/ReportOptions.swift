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

    /// Emits the reports and exits with the verdict's code; a report that
    /// cannot be written exits 2, like every other environment error.
    func finish(_ report: RunReport, verbose: Bool) throws -> Never {
        let code: Int32
        do {
            code = try emit(report, verbose: verbose)
        } catch {
            throw CLIError("writing reports: \(error)")
        }
        throw ExitCode(code)
    }

    /// Prints the terminal report, writes the requested files, returns the exit code.
    func emit(_ report: RunReport, verbose: Bool) throws -> Int32 {
        let color = !noColor && isatty(STDOUT_FILENO) != 0 && ProcessInfo.processInfo.environment["NO_COLOR"] == nil
        print(TerminalReport(color: color, verbose: verbose).render(report), terminator: "")
        if let json {
            try FileSink.write(try JSONFormat.encoder().encode(report), to: URL(fileURLWithPath: json))
        }
        if let junit {
            try FileSink.write(JUnitReport().render(report), to: URL(fileURLWithPath: junit))
        }
        if let output {
            _ = try ArtifactWriter.writeRun(report, to: URL(fileURLWithPath: output))
        }
        if ProcessInfo.processInfo.environment["GITHUB_ACTIONS"] == "true" {
            print(GitHubAnnotations().render(report), terminator: "")
        }
        let markdownText = MarkdownReport(htmlReportURL: reportURL).render(report)
        if let markdown {
            try FileSink.write(markdownText, to: URL(fileURLWithPath: markdown))
        }
        if let summary = ProcessInfo.processInfo.environment["GITHUB_STEP_SUMMARY"], !summary.isEmpty {
            try append(markdownText, to: summary)
        }
        return report.exitCode(failOnInconclusive: failOnInconclusive)
    }

    private func append(_ text: String, to path: String) throws {
        let fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o644)
        guard fd >= 0 else {
            throw ValidationError("GITHUB_STEP_SUMMARY=\(path): \(String(cString: strerror(errno)))")
        }
        defer { close(fd) }
        let data = Array(text.utf8)
        _ = data.withUnsafeBytes { Glibc.write(fd, $0.baseAddress, $0.count) }
    }
}

/// Reads a results file written by `--json`.
func loadReport(_ path: String) throws -> RunReport {
    guard let data = FileManager.default.contents(atPath: path) else {
        throw CLIError("\(path): cannot read the results file")
    }
    do {
        try ResultsFiles.checkVersion(data, file: path)
    } catch let error as ResultsError {
        throw CLIError(error.description)
    } catch {}
    do {
        return try JSONFormat.decoder().decode(RunReport.self, from: data)
    } catch {
        throw CLIError("\(path): not a flamegate results file (written by `flamegate run --json`): \(error)")
    }
}
