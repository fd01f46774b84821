import Analysis
import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import Model
import Testing
@testable import Reports

/// Golden files for the three run-report renderers, plus the properties a
/// golden file cannot show: colour is only decoration, the JUnit XML parses
/// with the right counts, and the output does not depend on the date.
@Suite struct RunReportRendererTests {
    static let report = RunReportFixture.report()

    /// Compares with `Snapshots/<name>`; on a mismatch the actual output is
    /// written to the temporary directory so it can be reviewed and copied over.
    static func expectGolden(_ actual: String, _ name: String) throws {
        let golden = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Snapshots/\(name)")
        let expected = try String(contentsOf: golden, encoding: .utf8)
        if actual != expected {
            let dir = FileManager.default.temporaryDirectory.appendingPathComponent("flamegate-snapshots")
            try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
            try actual.write(to: dir.appendingPathComponent(name), atomically: true, encoding: .utf8)
        }
        #expect(actual == expected, "differs from Snapshots/\(name); actual output in $TMPDIR/flamegate-snapshots")
    }

    @Test func terminalMatchesGoldenFile() throws {
        try Self.expectGolden(TerminalReport(color: false).render(Self.report), "run-report.txt")
        try Self.expectGolden(TerminalReport(color: false, verbose: true).render(Self.report), "run-report.verbose.txt")
    }

    @Test func junitMatchesGoldenFile() throws {
        try Self.expectGolden(JUnitReport().render(Self.report), "run-report.junit.xml")
    }

    @Test func markdownMatchesGoldenFile() throws {
        try Self.expectGolden(MarkdownReport().render(Self.report), "run-report.md")
    }

    @Test func colourIsOnlyDecoration() throws {
        let plain = TerminalReport(color: false).render(Self.report)
        let coloured = TerminalReport(color: true).render(Self.report)
        // the fixture's stderr tail holds an ESC of its own: it must not get through either way
        #expect(!plain.contains("\u{1B}"))
        #expect(coloured.contains("\u{1B}[1;31mREGRESSED\u{1B}[0m"))
        #expect(coloured.contains("\u{1B}[1;33mINCONCLUSIVE\u{1B}[0m"))
        #expect(coloured.contains("\u{1B}[1;32mPASS\u{1B}[0m"))
        let stripped = try Regex("\u{1B}\\[[0-9;]*m")
        #expect(coloured.replacing(stripped, with: "") == plain)
    }

    @Test func outputDoesNotDependOnTheDate() {
        let later = RunReportFixture.report(startedAt: Date(timeIntervalSince1970: 1_800_000_000))
        let renderers: [any RunReportRenderer] = [TerminalReport(color: true), JUnitReport(), MarkdownReport()]
        for renderer in renderers {
            #expect(renderer.render(later) == renderer.render(Self.report))
        }
    }

    @Test func terminalFirstLineHasOutcomeAndCounts() {
        let first = TerminalReport(color: false).render(Self.report).split(separator: "\n").first
        #expect(first == "flamegate: FAILED — 5 scenarios: 1 FAILED, 1 REGRESSED, 2 INCONCLUSIVE, 1 PASS")
    }

    @Test func markdownHeadingCountsTheOverallOutcome() {
        let md = MarkdownReport().render(Self.report)
        #expect(md.hasPrefix("## flamegate: FAILED (1 of 5 scenarios)\n"))
        // the failure message's pipe must not split the notes cell; its `backquoted` name is a code span
        #expect(md.contains("exit failure: exit code 2, expected 0 \\| `parse` aborted"))
        // function names are code spans, not Markdown (hot_function would read as emphasis)
        #expect(md.contains("function `hot_function` +2.5 pp"))
        // the stderr tail holds a run of three backticks: the fence must be longer
        #expect(md.contains("````text\nparse error near <tag> & \"quotes\" | pipe\n"))
    }

    @Test func emptyReportRendersInEveryFormat() throws {
        var empty = RunReport(startedAt: Date(timeIntervalSince1970: 0), environment: RunReportFixture.environment,
                              shard: "2/3", scenarios: [])
        empty.flamegateVersion = "0.1.0"
        #expect(TerminalReport(color: false).render(empty) == "flamegate (shard 2/3): PASS — 0 scenarios\n")
        #expect(MarkdownReport().render(empty).hasPrefix("## flamegate: PASS (0 of 0 scenarios)\n\n0 scenarios (shard 2/3)\n"))
        let xml = try XMLCheck.parse(JUnitReport().render(empty))
        #expect(XMLCheck.attribute(xml.root, "tests") == "0")
        #expect(xml.testcases.isEmpty)
    }
}

/// The JUnit XML read back by an XML parser, as a CI server would read it.
@Suite struct JUnitReportTests {
    static let xml = JUnitReport().render(RunReportFixture.report())

    @Test func parsesWithCountsMatchingTheOutcomes() throws {
        let doc = try XMLCheck.parse(Self.xml)
        #expect(doc.root.name == "testsuites")
        for element in [doc.root, doc.suite] {
            #expect(XMLCheck.attribute(element, "tests") == "5")
            #expect(XMLCheck.attribute(element, "failures") == "1")
            #expect(XMLCheck.attribute(element, "errors") == "1")
            // 10×0.1234 + 10×1.361 + (10×0.5 + 2×0.25) + (10×0.05 + 10×0.1) + 10×0.002
            #expect(XMLCheck.attribute(element, "time") == "21.864")
        }
        #expect(doc.testcases.count == 5)
        #expect(doc.testcases.filter { !$0.elements(forName: "failure").isEmpty }.count == 1)
        #expect(doc.testcases.filter { !$0.elements(forName: "error").isEmpty }.count == 1)
    }

    @Test func regressionNamesWhatRegressed() throws {
        let testcase = try XMLCheck.testcase(Self.xml, "parse-request")
        #expect(XMLCheck.attribute(testcase, "classname") == "flamegate.parse")
        #expect(XMLCheck.attribute(testcase, "time") == "13.610")
        let failure = try #require(testcase.elements(forName: "failure").first)
        #expect(XMLCheck.attribute(failure, "type") == "regression")
        let message = try #require(XMLCheck.attribute(failure, "message"))
        #expect(message.contains("wall_time ratio 1.103 [1.082, 1.125]"))
        #expect(message.contains("function `hot_function` +2.5 pp"))
        let evidence = try #require(failure.stringValue).split(separator: "\n")
        #expect(evidence.contains { $0.hasPrefix("wall_time ") && $0.hasSuffix("  1.103  [1.082, 1.125]   0.0002  REGRESSED") })
        #expect(evidence.contains { $0.hasPrefix("  hot_function [slowdown]  ")
                && $0.hasSuffix("50.1% → 52.6% (+2.5 pp)  +101.0 ms/run (+10.0%)  p=0.0002 (adj 0.0004)  REGRESSED") })
        #expect(testcase.elements(forName: "system-out").first?.stringValue
            == "warning: lost data: cpu.dropped_samples = 12 over 10 runs")
    }

    @Test func failureKeepsTheStderrTailReadable() throws {
        let testcase = try XMLCheck.testcase(Self.xml, "crash")
        #expect(XMLCheck.attribute(testcase, "classname") == "flamegate.crash")
        let error = try #require(testcase.elements(forName: "error").first)
        #expect(XMLCheck.attribute(error, "type") == "exit")
        #expect(XMLCheck.attribute(error, "message") == "exit code 2, expected 0 | `parse` aborted")
        let text = try #require(error.stringValue)
        #expect(text.contains("parse error near <tag> & \"quotes\" | pipe\n"))
        #expect(text.contains("bell^G escape ^[[31mred^[[0m"))
        #expect(text.contains("at size 2000, repetition 3"))
    }

    @Test func inconclusivePassesAndExplains() throws {
        let testcase = try XMLCheck.testcase(Self.xml, "alloc-heavy")
        #expect(testcase.elements(forName: "failure").isEmpty && testcase.elements(forName: "error").isEmpty)
        let out = try #require(testcase.elements(forName: "system-out").first?.stringValue)
        #expect(out.hasPrefix("INCONCLUSIVE (counted as passed): wall_time (size 1000) ratio 1.040 [0.990, 1.090]"))
        #expect(out.contains("probe pmu unavailable: no hardware PMU"))
        #expect(out.contains("ipc        1000  unavailable: no PMU"))
    }

    @Test func escapesRoundTripThroughAParser() throws {
        let nasty = "a&b <c> \"d\" 'e'\tf\ng\u{0}h\u{1B}i\u{FFFE}j\u{7F}k"
        let xml = "<r v=\"\(JUnitReport.attribute(nasty))\">\(JUnitReport.text(nasty))</r>"
        let doc = try XMLDocument(xmlString: xml, options: [])
        let root = try #require(doc.rootElement())
        let expected = "a&b <c> \"d\" 'e'\tf\ng^@h^[i\u{FFFD}j^?k"
        #expect(root.attribute(forName: "v")?.stringValue == expected)
        #expect(root.stringValue == expected)
    }

    @Test func classnameIsTheFileBaseName() {
        #expect(JUnitReport.baseName("scenarios/parse.yaml", or: "x") == "parse")
        #expect(JUnitReport.baseName("a.b/c.d.yml", or: "x") == "c.d")
        #expect(JUnitReport.baseName("noext", or: "x") == "noext")
        #expect(JUnitReport.baseName(".hidden", or: "x") == ".hidden")
        #expect(JUnitReport.baseName("", or: "fallback") == "fallback")
    }
}

/// XML parsing for the tests, through FoundationXML's libxml2-backed XMLDocument.
enum XMLCheck {
    struct Parsed {
        var root: XMLElement
        var suite: XMLElement
        var testcases: [XMLElement]
    }

    static func parse(_ xml: String) throws -> Parsed {
        let doc = try XMLDocument(xmlString: xml, options: [])
        let root = try #require(doc.rootElement())
        let suite = try #require(root.elements(forName: "testsuite").first)
        return Parsed(root: root, suite: suite, testcases: suite.elements(forName: "testcase"))
    }

    static func testcase(_ xml: String, _ name: String) throws -> XMLElement {
        try #require(try parse(xml).testcases.first { attribute($0, "name") == name })
    }

    static func attribute(_ element: XMLElement, _ name: String) -> String? {
        element.attribute(forName: name)?.stringValue
    }
}
