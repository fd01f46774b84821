import Analysis
import Foundation
import Glibc
import Model
import Reports

/// Where a gate command's reports go, and writing them there: the terminal
/// report, the `--json` results, `--junit`, `--markdown`, the `--output`
/// directory (HTML, flame graphs, pprof), and under GitHub Actions the
/// annotations and the Markdown summary appended to `$GITHUB_STEP_SUMMARY`.
public struct ReportDestinations {
    public var json: URL?
    public var junit: URL?
    public var markdown: URL?
    public var output: URL?
    /// Where the HTML report will be published, linked from the Markdown summary.
    public var reportURL: String?
    public var color: Bool
    public var verbose: Bool
    /// `GITHUB_ACTIONS=true`: workflow commands annotate the pull request.
    public var githubActions: Bool
    /// `GITHUB_STEP_SUMMARY`: the job's summary file.
    public var stepSummary: String?

    /// The CI's part (GitHub Actions, its summary file) is read from `environment`.
    public init(json: String?, junit: String?, markdown: String?, output: String?, reportURL: String?, color: Bool,
                verbose: Bool, environment: [String: String]) {
        self.json = json.map(URL.init(fileURLWithPath:))
        self.junit = junit.map(URL.init(fileURLWithPath:))
        self.markdown = markdown.map(URL.init(fileURLWithPath:))
        self.output = output.map(URL.init(fileURLWithPath:))
        self.reportURL = reportURL
        self.color = color
        self.verbose = verbose
        githubActions = environment["GITHUB_ACTIONS"] == "true"
        stepSummary = environment["GITHUB_STEP_SUMMARY"].flatMap { $0.isEmpty ? nil : $0 }
    }

    /// A summary file that cannot be opened.
    public struct SummaryError: Error, CustomStringConvertible {
        public var description: String
    }

    /// Hands the terminal report and any annotations to `print`, writes
    /// every requested file.
    public func write(_ report: RunReport, print: (String) -> Void) throws {
        print(TerminalReport(color: color, verbose: verbose).render(report))
        if let json { try FileSink.write(try JSONFormat.encoder().encode(report), to: json) }
        if let junit { try FileSink.write(JUnitReport().render(report), to: junit) }
        if let output { _ = try ArtifactWriter.writeRun(report, to: output) }
        if githubActions { print(GitHubAnnotations().render(report)) }
        let markdownText = MarkdownReport(htmlReportURL: reportURL).render(report)
        if let markdown { try FileSink.write(markdownText, to: markdown) }
        if let stepSummary { try Self.append(markdownText, to: stepSummary) }
    }

    /// The summary file is the CI's: appended to, never replaced.
    static func append(_ text: String, to path: String) throws {
        let fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw SummaryError(description: "GITHUB_STEP_SUMMARY=\(path): \(String(cString: strerror(errno)))") }
        defer { close(fd) }
        let data = Array(text.utf8)
        _ = data.withUnsafeBytes { Glibc.write(fd, $0.baseAddress, $0.count) }
    }
}

/// Results files, as `run --json` writes them and `compare` and `merge` read them.
public enum ResultsFile {
    /// Reads and decodes one; errors name the file and what it is not.
    public static func read(_ path: String) throws -> RunReport {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ResultsError("\(path): cannot read the results file")
        }
        try ResultsFiles.checkVersion(data, file: path)
        do {
            return try JSONFormat.decoder().decode(RunReport.self, from: data)
        } catch {
            throw ResultsError("\(path): not a flamegate results file (written by `flamegate run --json`): \(error)")
        }
    }
}
