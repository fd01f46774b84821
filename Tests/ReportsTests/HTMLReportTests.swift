import Analysis
import Foundation
import Model
import Testing
@testable import Reports

/// The HTML reports, read as text: self-contained, headings that nest,
/// accessible charts, and every part a reviewer reads. The browser tests
/// (BrowserTests) load the same pages in Chromium.
@Suite struct HTMLReportTests {
    static let html = HTMLReport().render(ProfileFixture.runReport())
    static let recording = RecordingHTMLReport().render(ProfileFixture.recording())

    /// `<tag …>` occurrences, with the text up to the next `>`.
    static func tags(_ html: String, _ name: String) -> [String] {
        html.components(separatedBy: "<" + name).dropFirst().compactMap { rest in
            guard let first = rest.first, first == " " || first == ">" else { return nil }
            return String(rest.prefix { $0 != ">" })
        }
    }

    /// The section of one scenario, up to the next one.
    static func section(_ name: String) throws -> String {
        let sections = html.components(separatedBy: "<section class=\"scenario\"")
        return try #require(sections.first { $0.contains("<h2 id=") && $0.contains("</span> \(name) <small>") })
    }

    @Test(arguments: [html, recording])
    func loadsNothingFromAnywhere(_ page: String) {
        #expect(page.contains("<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none';"))
        // the SVG namespace is an identifier, not a request
        let withoutNamespace = page.replacingOccurrences(of: "xmlns=\"http://www.w3.org/2000/svg\"", with: "")
        for reference in ["http:", "https:", "\"//", "'//", "src=", "url(", "@import", "<link", "<iframe", "<img",
                          "fetch(", "XMLHttpRequest", "WebSocket"] {
            #expect(!withoutNamespace.contains(reference), "found \(reference)")
        }
        for href in Self.tags(page, "a").compactMap({ $0.components(separatedBy: "href=\"").dropFirst().first }) {
            #expect(href.hasPrefix("#"), "link \(href) leaves the page")
        }
    }

    @Test(arguments: [html, recording])
    func headingsNestWithoutSkippingLevels(_ page: String) throws {
        let regex = try Regex("<h([1-6])[ >]")
        let levels = page.matches(of: regex).compactMap { Int(page[$0.range].dropFirst(2).prefix(1)) }
        #expect(levels.first == 1)
        #expect(levels.filter { $0 == 1 }.count == 1)
        for (a, b) in zip(levels, levels.dropFirst()) { #expect(b <= a + 1, "h\(a) followed by h\(b)") }
    }

    @Test(arguments: [html, recording])
    func everyChartAndControlIsNamed(_ page: String) {
        let svgs = Self.tags(page, "svg")
        #expect(!svgs.isEmpty)
        for svg in svgs { #expect(svg.contains("aria-label=\""), "\(svg.prefix(80))") }
        for input in Self.tags(page, "input") { #expect(input.contains("type=\"search\"")) }
        // each search input sits inside its label
        #expect(page.components(separatedBy: "<label>").count == page.components(separatedBy: "<input").count)
        // controls inside the graphs can be reached from the keyboard
        for button in Self.tags(page, "text").filter({ $0.contains("fg-btn") }) {
            #expect(button.contains("tabindex=\"0\"") && button.contains("role=\"button\""))
        }
    }

    @Test func verdictComesFirst() throws {
        let header = try #require(Self.html.components(separatedBy: "</header>").first)
        #expect(header.contains("<h1>flamegate: FAILED</h1>"))
        #expect(header.contains("6 scenarios: 1 FAILED, 1 REGRESSED, 2 INCONCLUSIVE, 2 PASS"))
        #expect(header.contains("<time datetime=\"2023-11-14T22:13:20Z\">"))
    }

    @Test func regressedScenarioShowsMetricsFunctionsAndAllThreeGraphs() throws {
        let section = try Self.section("parse-request")
        #expect(section.contains("<td class=\"num\">1.103</td><td class=\"num\">[1.082, 1.125]</td>"))
        #expect(section.contains("<code>hot_function</code> [slowdown]"))
        #expect(section.contains("50.1% → 52.6% (+2.5 pp)"))
        #expect(Self.tags(section, "svg").filter { $0.contains("class=\"fg-flame\"") }.count == 3)
        #expect(section.contains("CPU change: parse-request, current widths"))
        #expect(section.contains("CPU change: parse-request, baseline widths"))
        #expect(section.contains("<details open><summary><h3>Flame graphs</h3>"))
        #expect(section.contains("<code>cpu.dropped_samples</code></td><td class=\"num\">-</td><td class=\"num\">12</td>"))
        // embedded graphs share the page's one script
        #expect(!section.contains("<script"))
        #expect(Self.html.components(separatedBy: "<script").count == 2)
    }

    @Test func sweptSizesGetAComplexityPlot() throws {
        let section = try Self.section("sort-items")
        // wall time ∝ size² at every size: exponent 2 exactly, in a degenerate interval
        #expect(section.contains("exponent 2.00 [2.00, 2.00], R² 1.000 (threshold 1.3)"))
        #expect(section.contains("<h3>Complexity</h3>"))
        #expect(Self.tags(section, "circle").filter { $0.contains("fg-median") }.count == 4)
        #expect(Self.tags(section, "circle").filter { $0.contains("fg-run") }.count == 20)
        // a profile of size 8000 only, and no baseline to diff against
        #expect(section.contains("No baseline profile of size 8000"))
        #expect(try Self.section("alloc-heavy").contains("<h3>Complexity</h3>"))
        #expect(!(try Self.section("parse-request").contains("<h3>Complexity</h3>")))
    }

    @Test func untrustedTextIsEscaped() throws {
        let section = try Self.section("crash")
        #expect(section.contains("parse error near &lt;tag&gt; &amp; &quot;quotes&quot; | pipe"))
        #expect(section.contains("bell^G escape ^[[31mred^[[0m"))
        #expect(!Self.html.contains("<tag>"))
    }

    @Test func lostDataAndEnvironmentAreShown() throws {
        #expect(try Self.section("tokenize").contains("No data was lost: every lost-data counter of the 10 measured runs was zero."))
        #expect(Self.html.contains("<h2 id=\"environment-h\">Environment</h2>"))
        #expect(Self.html.contains("<td>kernel</td><td>6.18.0-test</td>"))
    }

    @Test func recordingShowsEachProfileInItsPalette() throws {
        let page = Self.recording
        #expect(page.contains("<h1>flamegate record: <code>./app --items &lt;1000&gt;</code></h1>"))
        #expect(page.contains("<h2>CPU samples</h2>") && page.contains("<h2>Off-CPU time</h2>"))
        let offcpu = try #require(page.components(separatedBy: "<h2>Off-CPU time</h2>").last)
        let start = try #require(offcpu.range(of: "<svg")), end = try #require(offcpu.range(of: "</svg>"))
        let graph = String(offcpu[start.lowerBound..<end.upperBound])
        let nanosleep = try #require(try SVGFrames(graph).named("nanosleep").first)
        let rgb = FlameGraphTests.rgb(nanosleep.fill)
        #expect(rgb.2 > rgb.0 && rgb.2 > 180)  // blue
        #expect(page.contains("Total 250.0 ms in 1 stacks"))
        #expect(page.contains("aria-label=\"Latency histogram io block.vda.write: 56 events, p50 "))
        #expect(page.contains("<code>symbols.unknown_frames</code></td><td class=\"num\">20</td>"))
        #expect(page.contains("probe pmu unavailable: no PMU"))
        // 20 samples with one unresolved frame among 218 sampled frames
        #expect(page.contains("unknown frames: 9.2% (20 of 218)"))
    }

    @Test func emptyReportStillHasItsVerdictAndEnvironment() {
        var empty = RunReport(startedAt: Date(timeIntervalSince1970: 0), environment: RunReportFixture.environment,
                              shard: "2/3", scenarios: [])
        empty.flamegateVersion = "0.1.0"
        let page = HTMLReport().render(empty)
        #expect(page.contains("<h1>flamegate: PASS</h1>") && page.contains("0 scenarios</strong> (shard 2/3)"))
        #expect(!page.contains("<nav") && page.contains("Environment"))
    }

    @Test func histogramBarsScaleWithTheirCounts() throws {
        let chart = HistogramChart(histogram: ProfileFixture.recording().histograms[0])
        #expect(chart.unit.name == "µs")
        let svg = chart.render()
        let widths = Self.tags(svg, "rect").filter { $0.contains("fg-bar") }.compactMap { tag in
            tag.components(separatedBy: "width=\"").dropFirst().first.flatMap { Double($0.prefix { $0 != "\"" }) }
        }
        #expect(widths.max() == HistogramChart.barWidth)
        #expect(widths.filter { $0 > 0 }.count == 4)
    }
}
