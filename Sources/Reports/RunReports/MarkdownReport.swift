import Analysis
import Model

/// GitHub-flavoured Markdown for a pull-request comment or a CI step summary:
/// a status heading, one summary row per scenario, then a `<details>` block
/// per scenario that did not pass (open for the ones failing the gate) with
/// warnings, findings, the failure's stderr tail, and the gated metrics and
/// functions that moved; everything else is in the HTML report. It stays
/// under `characterLimit` whatever the suite's size.
///
/// Text from outside flamegate is escaped for where it lands: table cells
/// (pipes, backticks, emphasis and HTML characters), HTML summaries, and code
/// fences longer than any backtick run inside them.
public struct MarkdownReport: RunReportRenderer {
    /// How many of the largest share moves to list besides the functions that are not PASS.
    public var topFunctions: Int
    /// Where the HTML report with the flame graphs can be opened (a CI
    /// artifact's address); printed as a link under the counts when set.
    public var htmlReportURL: String?

    public init(topFunctions: Int = 5, htmlReportURL: String? = nil) {
        self.topFunctions = topFunctions
        self.htmlReportURL = htmlReportURL
    }

    public func render(_ report: RunReport) -> String {
        let outcome = report.outcome
        var out = "## flamegate: \(outcome.rawValue) (\(report.count(outcome)) of \(report.scenarios.count) scenarios)\n\n"
        out += Evidence.counts(report) + (report.shard.map { " (shard " + Self.cell($0) + ")" } ?? "") + "\n\n"
        if let url = htmlReportURL {
            out += "[HTML report with flame graphs](<" + Self.linkTarget(url) + ">)\n\n"
        }
        let shared = Evidence.sharedProbeNotices(report)
        let facts = (Evidence.sharedBase(report).map { [$0] } ?? []) + shared
        if !facts.isEmpty { out += facts.map { "- " + Self.inline($0) + "\n" }.joined() + "\n" }
        let env = report.environment
        let footer = "<sub>flamegate " + Self.cell(report.flamegateVersion) + " · kernel " + Self.cell(env.kernel) + " · "
            + Self.cell(env.cpuModel) + " · \(env.cores) cores</sub>\n"
        let budget = Self.characterLimit - footer.utf8.count - Self.truncationReserve
        var rows = report.scenarios.map { ($0, row($0)) }
        let header = "| scenario | outcome | wall time ratio [95% CI] | notes |\n| --- | --- | --- | --- |\n"
        func size(_ rows: [(ScenarioReport, String)]) -> Int { header.utf8.count + rows.reduce(0) { $0 + $1.1.utf8.count } }
        // a suite too large for one comment: the table keeps at most half the
        // room (passing rows go first, counted), the details of the most severe
        // scenarios the rest; bytes are counted, which bounds the characters
        // details only for what did not pass, the most severe first, while they fit
        let blocks = report.scenarios.filter { $0.outcome != .pass }
            .sorted { Evidence.outcomeOrder.firstIndex(of: $0.outcome)! < Evidence.outcomeOrder.firstIndex(of: $1.outcome)! }
            .map { details($0, besides: shared) }
        var dropped = 0
        if !rows.isEmpty, out.utf8.count + size(rows) + blocks.reduce(0, { $0 + $1.utf8.count }) > budget {
            let room = budget / 2 - out.utf8.count
            if size(rows) > room {
                dropped = rows.filter { $0.0.outcome == .pass }.count
                rows = rows.filter { $0.0.outcome != .pass }
            }
            var total = size(rows)
            while !rows.isEmpty, total > room {
                total -= rows.removeLast().1.utf8.count
                dropped += 1
            }
        }
        if !report.scenarios.isEmpty {
            out += header + rows.map(\.1).joined()
            if dropped > 0 { out += "| … | | | \(dropped) more scenario\(dropped == 1 ? "" : "s") (\(report.count(.pass)) passed) in the HTML report |\n" }
            out += "\n"
        }
        var omitted = 0
        var length = out.utf8.count
        for block in blocks {
            if omitted == 0, length + block.utf8.count <= budget {
                out += block
                length += block.utf8.count
            } else {
                omitted += 1
            }
        }
        if omitted > 0 {
            out += "*The details of \(omitted) more scenario\(omitted == 1 ? "" : "s") are in the "
                + (htmlReportURL.map { "[HTML report](<" + Self.linkTarget($0) + ">)" } ?? "HTML report (`--output DIR`)")
                + " and in `--json`.*\n\n"
        }
        return out + footer
    }

    /// A comment GitHub accepts holds 65,536 characters; the summary stays under 60,000.
    public static let characterLimit = 60_000
    static let truncationReserve = 400

    /// The summary table's row for one scenario.
    func row(_ s: ScenarioReport) -> String {
        let wall = Evidence.headlineRatio(Evidence.headlineWallTime(s.comparison)) ?? "-"
        // what the outcome column and the ratio do not say already
        var notes = Evidence.why(s)
        if !s.warnings.isEmpty { notes += "; \(s.warnings.count) warning\(s.warnings.count == 1 ? "" : "s")" }
        return row([s.name, s.outcome == .pass ? "PASS" : "**\(s.outcome.rawValue)**", wall, Self.inline(notes)],
                   raw: [false, true, false, true])
    }

    func details(_ s: ScenarioReport, besides shared: [String] = []) -> String {
        var out = "<details\(s.outcome.failsGate ? " open" : "")>\n<summary><b>\(s.outcome.rawValue)</b> "
            + Self.html(s.name) + " (" + Self.html(s.run.file) + ")</summary>\n\n"
        out += Self.inline(Evidence.summary(s)) + "\n\n"
        if let failure = s.run.failure {
            if let context = Evidence.failureContext(failure) { out += "At " + context + ".\n\n" }
            if let tail = failure.stderrTail {
                let lines = Formatting.lines(tail)
                out += lines.isEmpty ? "stderr: (empty)\n\n" : "stderr tail:\n\n" + Self.codeBlock(lines) + "\n"
            }
        }
        let notices = Evidence.notices(s, besides: shared)
        if !notices.isEmpty { out += notices.map { "- " + Self.inline($0) + "\n" }.joined() + "\n" }
        let findings = Evidence.findingLines(s) + Evidence.complexityLines(s)
        if !findings.isEmpty { out += Self.codeBlock(findings) + "\n" }
        if let comparison = s.comparison {
            out += metricsTable(Evidence.gatedMoves(comparison))
            out += functionsTable(comparison)
        }
        return out + "</details>\n\n"
    }

    func metricsTable(_ metrics: [MetricComparison]) -> String {
        guard !metrics.isEmpty else { return "" }
        var out = "| metric | size | baseline | current | ratio | 95% CI | p | verdict |\n"
            + "| --- | ---: | ---: | ---: | ---: | --- | ---: | --- |\n"
        for m in metrics {
            let c = m.comparison
            let numbers: [String]
            if let note = m.note {
                numbers = [note, "", "", "", ""]
            } else {
                numbers = [Formatting.quantity(m.baselineMedian, unit: m.unit),
                           Formatting.quantity(m.currentMedian, unit: m.unit),
                           c.map { Formatting.ratio($0.ratio) } ?? "-",
                           c.map { Formatting.interval($0.ciLower, $0.ciUpper) } ?? "-",
                           c.map { Formatting.pValue($0.pValue) } ?? "-"]
            }
            out += row([Self.code(m.metric), m.size.map(String.init) ?? "-"] + numbers
                        + [m.gated ? Self.verdict(m.verdict) : Self.cell(Evidence.metricLabel(m))],
                       raw: [true, false, false, false, false, false, false, true])
        }
        return out + "\n"
    }

    func functionsTable(_ comparison: ScenarioComparison) -> String {
        let moved = Evidence.gatedFunctionMoves(comparison)
        let functions = Array(moved.prefix(topFunctions))
        var out = ""
        if !functions.isEmpty {
            out += "| function | inclusive share | CPU time per run | p (BH-adjusted) | verdict |\n"
                + "| --- | --- | --- | --- | --- |\n"
            for f in functions {
                let label = Self.code(f.name) + (f.module.isEmpty ? "" : " " + Self.cell("[" + f.module + "]"))
                    + (f.size.map { " (size \($0))" } ?? "")
                out += row([label, Evidence.shareChange(f), Evidence.timeChange(f), Evidence.pValues(f),
                            f.gates ? Self.verdict(f.verdict) : Self.cell(Evidence.verdictLabel(f))],
                           raw: [true, false, false, false, true])
            }
            out += "\n"
        }
        if moved.count > functions.count {
            out += "\(moved.count - functions.count) more function\(moved.count - functions.count == 1 ? "" : "s") moved: "
                + "see the HTML report.\n\n"
        }
        return out
    }

    /// A table row; cells not marked `raw` are escaped.
    private func row(_ cells: [String], raw: [Bool]) -> String {
        "| " + zip(cells, raw).map { $1 ? $0 : Self.cell($0) }.joined(separator: " | ") + " |\n"
    }

    /// REGRESSED and FAILED in bold so they stand out in a table.
    static func verdict(_ v: Verdict) -> String {
        let label = v.rawValue.uppercased()
        return v == .regressed ? "**\(label)**" : label
    }

    /// Like `cell`, but the `backquoted` names the texts carry (functions,
    /// paths) become code spans, where Markdown shows them verbatim; text with
    /// an unmatched backquote is escaped whole.
    static func inline(_ text: String) -> String {
        let parts = Formatting.oneLine(text).split(separator: "`", omittingEmptySubsequences: false)
        guard parts.count > 1, parts.count % 2 == 1 else { return cell(text) }
        return parts.enumerated().map { i, part in
            guard i % 2 == 1 else { return cell(String(part)) }
            // `|` ends a table cell even inside a code span (GFM); `\|` is kept as `|`
            let body = part.replacingOccurrences(of: "|", with: "\\|")
            return body.isEmpty ? "" : (body.hasPrefix(" ") || body.hasSuffix(" ") ? "` \(body) `" : "`\(body)`")
        }.joined()
    }

    /// Text for a table cell or a paragraph: one line, with every character that
    /// Markdown or the HTML it allows could interpret backslash-escaped (`|` ends
    /// a cell even inside a code span in GFM) and `&` as an entity.
    static func cell(_ text: String) -> String {
        var out = ""
        for c in Formatting.oneLine(text) {
            switch c {
            case "\\", "`", "*", "_", "[", "]", "<", ">", "|", "~": out += "\\" + String(c)
            case "&": out += "&amp;"
            default: out.append(c)
            }
        }
        return out
    }

    /// A code span for a table cell: a delimiter longer than any backtick run
    /// inside, and `|` escaped (GFM splits cells on it even inside code).
    static func code(_ text: String) -> String {
        let content = Formatting.oneLine(text).replacingOccurrences(of: "|", with: "\\|")
        let delimiter = String(repeating: "`", count: longestBacktickRun([content]) + 1)
        let padded = content.hasPrefix("`") || content.hasSuffix("`") ? " " + content + " " : content
        return content.isEmpty ? "" : delimiter + padded + delimiter
    }

    static func longestBacktickRun(_ lines: [String]) -> Int {
        var longest = 0
        for line in lines {
            var run = 0
            for c in line {
                run = c == "`" ? run + 1 : 0
                longest = max(longest, run)
            }
        }
        return longest
    }

    /// A link destination inside `<…>`: the characters that would end it or
    /// break the line percent-encoded.
    static func linkTarget(_ url: String) -> String {
        PercentEncoding.encode(url) { c in
            switch c {
            case "<", ">", " ": return PercentEncoding.code(c)
            case "\n", "\r": return ""
            default: return nil
            }
        }
    }

    /// Text inside an HTML element such as `<summary>`.
    static func html(_ text: String) -> String {
        Formatting.oneLine(text).replacingOccurrences(of: "&", with: "&amp;")
            .replacingOccurrences(of: "<", with: "&lt;").replacingOccurrences(of: ">", with: "&gt;")
    }

    /// A fenced code block whose fence is longer than any run of backticks in `lines`.
    static func codeBlock(_ lines: [String]) -> String {
        let fence = String(repeating: "`", count: max(3, longestBacktickRun(lines) + 1))
        return fence + "text\n" + lines.map { $0 + "\n" }.joined() + fence + "\n"
    }
}
