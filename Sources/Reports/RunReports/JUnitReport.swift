import Analysis
import Foundation
import Model

/// JUnit XML for CI test views (GitHub, GitLab, Jenkins, Buildkite): one
/// `<testcase>` per scenario, named by the scenario and classed by its file.
///
/// - REGRESSED: `<failure type="regression">`, message naming what regressed,
///   text the evidence (the terminal report's lines, uncoloured).
/// - FAILED: `<error type="<failure kind>">` with the failure message; text the
///   terminal's failure lines with the stderr tail.
/// - INCONCLUSIVE passes, with `<system-out>` explaining why it is undecided.
/// - Warnings and unavailable probes go to `<system-out>` in every case.
///
/// The format follows the de-facto schema of Ant's JUnit task as Jenkins and
/// GitLab read it (testsuites › testsuite › testcase › failure | error | system-out).
public struct JUnitReport: RunReportRenderer {
    public init() {}

    public func render(_ report: RunReport) -> String {
        let tests = report.scenarios.count
        let failures = report.count(.regressed), errors = report.count(.failed)
        let time = Self.seconds(report.scenarios.reduce(0) { $0 + Evidence.wallSeconds($1.run) })
        let counts = "tests=\"\(tests)\" failures=\"\(failures)\" errors=\"\(errors)\""
        var out = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        out += "<testsuites name=\"flamegate\" \(counts) time=\"\(time)\">\n"
        out += "  <testsuite name=\"flamegate\" \(counts) skipped=\"0\" time=\"\(time)\">\n"
        out += properties(report)
        for scenario in report.scenarios { out += testcase(scenario) }
        out += "  </testsuite>\n</testsuites>\n"
        return out
    }

    func properties(_ report: RunReport) -> String {
        let env = report.environment
        var pairs = [("flamegate.version", report.flamegateVersion), ("kernel", env.kernel), ("cpu", env.cpuModel),
                     ("cores", String(env.cores))]
        if let shard = report.shard { pairs.append(("shard", shard)) }
        return "    <properties>\n"
            + pairs.map { "      <property name=\"\(Self.attribute($0))\" value=\"\(Self.attribute($1))\"/>\n" }.joined()
            + "    </properties>\n"
    }

    func testcase(_ scenario: ScenarioReport) -> String {
        let terminal = TerminalReport(color: false)
        var children = ""
        var systemOut = Evidence.notices(scenario)
        switch scenario.outcome {
        case .regressed:
            children += "      <failure message=\"\(Self.attribute(Evidence.summary(scenario)))\" type=\"regression\">"
                + Self.text((terminal.findingLines(scenario) + terminal.comparisonLines(scenario)
                    + Evidence.complexityLines(scenario)).joined(separator: "\n")) + "</failure>\n"
        case .failed:
            let message = scenario.run.failure.map { Formatting.oneLine($0.message) } ?? "failed"
            let kind = scenario.run.failure?.kind.rawValue ?? "failure"
            children += "      <error message=\"\(Self.attribute(message))\" type=\"\(Self.attribute(kind))\">"
                + Self.text(terminal.failureLines(scenario).joined(separator: "\n")) + "</error>\n"
        case .inconclusive:
            systemOut = ["INCONCLUSIVE (counted as passed): " + Evidence.summary(scenario, prefixed: false)] + systemOut
                + terminal.comparisonLines(scenario)
        case .pass, .improved:
            break
        }
        if !systemOut.isEmpty {
            children += "      <system-out>" + Self.text(systemOut.joined(separator: "\n")) + "</system-out>\n"
        }
        let open = "    <testcase name=\"\(Self.attribute(scenario.name))\" classname=\"flamegate."
            + Self.attribute(Self.baseName(scenario.run.file, or: scenario.name))
            + "\" time=\"\(Self.seconds(Evidence.wallSeconds(scenario.run)))\""
        return children.isEmpty ? open + "/>\n" : open + ">\n" + children + "    </testcase>\n"
    }

    /// `scenarios/parse.yaml` → `parse`; `fallback` when the path has no name.
    static func baseName(_ path: String, or fallback: String) -> String {
        let name = path.split(separator: "/").last.map(String.init) ?? ""
        guard let dot = name.lastIndex(of: "."), dot != name.startIndex else {
            return name.isEmpty ? fallback : name
        }
        return String(name[..<dot])
    }

    /// Seconds as JUnit's `time` attribute: a plain decimal number.
    static func seconds(_ s: Double) -> String {
        s.isFinite ? String(format: "%.3f", s) : "0"
    }

    /// Character data: markup characters as entities; characters XML 1.0
    /// forbids (most C0 controls, U+FFFE, U+FFFF) made visible instead
    /// (`Markup.escape`, shared with the SVG and HTML reports).
    static func text(_ s: String) -> String { Markup.escape(s) }

    /// An attribute value: as `text`, plus tab and newline as character
    /// references so attribute-value normalisation keeps them.
    static func attribute(_ s: String) -> String {
        text(s).replacingOccurrences(of: "\t", with: "&#9;").replacingOccurrences(of: "\n", with: "&#10;")
    }
}
