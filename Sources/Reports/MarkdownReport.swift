import Analysis
import Model

/// GitHub-flavoured Markdown for a pull-request comment or a CI step summary:
/// a status heading, one summary row per scenario, then a `<details>` block
/// per scenario that is not a plain PASS (open for the ones failing the gate)
/// with warnings, the failure's stderr tail, and the metrics and functions tables.
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
        if !report.scenarios.isEmpty {
            out += "| scenario | outcome | wall time ratio [95% CI] | notes |\n| --- | --- | --- | --- |\n"
            for s in report.scenarios {
                let wall = Evidence.headlineWallTime(s.comparison).flatMap { m in
                    m.comparison.map { Formatting.ratio($0.ratio) + " " + Formatting.interval($0.ciLower, $0.ciUpper)
                        + (m.size.map { " (size \($0))" } ?? "") }
                } ?? "-"
                var notes = Evidence.summary(s)
                if !s.warnings.isEmpty { notes += "; \(s.warnings.count) warning\(s.warnings.count == 1 ? "" : "s")" }
                out += row([s.name, s.outcome == .pass ? "PASS" : "**\(s.outcome.rawValue)**", wall, Self.inline(notes)],
                           raw: [false, true, false, true])
            }
            out += "\n"
        }
        for s in report.scenarios where s.outcome != .pass || !s.warnings.isEmpty {
            out += details(s)
        }
        let env = report.environment
        out += "<sub>flamegate " + Self.cell(report.flamegateVersion) + " · kernel " + Self.cell(env.kernel) + " · "
            + Self.cell(env.cpuModel) + " · \(env.cores) cores</sub>\n"
        return out
    }

    func details(_ s: ScenarioReport) -> String {
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
        let notices = Evidence.notices(s)
        if !notices.isEmpty { out += notices.map { "- " + Self.inline($0) + "\n" }.joined() + "\n" }
        let findings = Evidence.findingLines(s) + Evidence.complexityLines(s)
        if !findings.isEmpty { out += Self.codeBlock(findings) + "\n" }
        if let comparison = s.comparison {
            out += metricsTable(Evidence.metrics(comparison))
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
            out += row([Self.code(m.metric), m.size.map(String.init) ?? "-"] + numbers + [Self.verdict(m.verdict)],
                       raw: [true, false, false, false, false, false, false, true])
        }
        return out + "\n"
    }

    func functionsTable(_ comparison: ScenarioComparison) -> String {
        let (functions, omitted) = Evidence.functions(comparison, top: topFunctions)
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
        if omitted > 0 { out += "\(omitted) more function\(omitted == 1 ? "" : "s") passed.\n\n" }
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
        var out = ""
        for c in url.unicodeScalars {
            switch c {
            case "<": out += "%3C"
            case ">": out += "%3E"
            case " ": out += "%20"
            case "\n", "\r": break
            default: out.unicodeScalars.append(c)
            }
        }
        return out
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
