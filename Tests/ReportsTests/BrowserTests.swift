import Foundation
import Testing
import TestSupport
import Output
@testable import Reports

/// Issue 8's acceptance: the HTML report in a real browser makes no network
/// request, logs nothing to the console, draws a page that is not blank, and
/// a scripted search highlights the expected frame; plus labels that fit in
/// the real font and click-to-zoom. Each check has a control page that must
/// fail it, so a check that cannot fail would show.
@Suite(.enabled(if: Chromium.available, "needs Debian's chromium (make deps)"), .serialized)
struct BrowserTests {
    static let highlight = "rgb(230, 0, 230)"

    /// The run report's files in a fresh directory.
    static func artifacts() throws -> URL {
        let dir = TestPaths.temporaryDirectory("browser")
        try ArtifactWriter.writeRun(ProfileFixture.runReport(), to: dir)
        try ArtifactWriter.writeRecording(ProfileFixture.recording(), to: dir.appendingPathComponent("record"))
        return dir
    }

    static func url(_ dir: URL, _ name: String, hash: String? = nil) -> URL {
        URL(string: dir.appendingPathComponent(name).absoluteString + (hash.map { "#" + $0 } ?? ""))!
    }

    /// (name, fill) of every frame in the dumped DOM, fills as the DOM holds them.
    static func frames(_ dom: String) throws -> [(name: String, fill: String)] {
        let regex = try Regex(#"<g class="fg-f[^"]*"[^>]*><title>([^\n<]*)\n[^<]*</title><rect [^>]*fill="([^"]*)""#)
        return dom.matches(of: regex).compactMap { m in
            guard let name = m.output[1].substring, let fill = m.output[2].substring else { return nil }
            return (String(name), String(fill))
        }
    }

    @Test func reportLoadsCleanlyAndSearchHighlightsTheFrame() throws {
        let dir = try Self.artifacts()
        defer { try? FileManager.default.removeItem(at: dir) }
        let load = try Chromium.load(Self.url(dir, "report.html", hash: "search=%5Ehot_function%24"), in: dir)
        #expect(load.console.isEmpty, "console: \(load.console)")
        #expect(load.requests.isEmpty, "requests: \(load.requests)")
        let frames = try Self.frames(load.dom)
        #expect(frames.count == 40)  // four graphs of ten frames
        let highlighted = frames.filter { $0.fill == FlameGraph.highlight }
        // parse-request's three graphs and sort-items' one each hold hot_function once
        #expect(highlighted.count == 4 && highlighted.allSatisfy { $0.name == "hot_function" })
        #expect(frames.filter { $0.name == "hot_function" }.count == 4)
        // 526 of 676 samples now, 401 of 556 in the baseline's widths
        #expect(load.dom.components(separatedBy: "Matched: 77.8%").count == 4)
        #expect(load.dom.components(separatedBy: "Matched: 72.1%").count == 2)
    }

    /// A regressed scenario's graphs open with the differential graph,
    /// zoomed on the culprit; the others stay whole.
    @Test func theCulpritsDifferentialGraphOpensZoomedOnIt() throws {
        let dir = try Self.artifacts()
        defer { try? FileManager.default.removeItem(at: dir) }
        let load = try Chromium.load(Self.url(dir, "report.html"), in: dir)
        #expect(load.console.isEmpty, "console: \(load.console)")
        let svgs = load.dom.matches(of: try Regex(#"<svg [^>]*class="fg-flame[^"]*"[^>]*>\s*<title>([^<]*)</title>"#))
            .map { String($0.output[0].substring ?? "") }
        let focused = svgs.filter { $0.contains("data-focus=\"hot_function\"") }
        #expect(focused.count == 1, "\(svgs)")
        #expect(focused.first?.contains("fg-zoomed") == true && focused.first?.contains("CPU change: parse-request") == true,
                "\(focused)")
        let firstOfParse = svgs.first { $0.contains("parse-request") }
        #expect(firstOfParse == focused.first, "the differential graph comes first")
        #expect(svgs.filter { $0.contains("fg-zoomed") }.count == 1, "no other graph is zoomed")
    }

    @Test func recordingAndStandaloneGraphsLoadCleanly() throws {
        let dir = try Self.artifacts()
        defer { try? FileManager.default.removeItem(at: dir) }
        for (name, hash) in [("record/report.html", "search=nanosleep"), ("record/offcpu.svg", "search=nanosleep"),
                             ("parse-request.cpu-diff-baseline.svg", "search=old_helper")] {
            let load = try Chromium.load(Self.url(dir, name, hash: hash), in: dir)
            #expect(load.console.isEmpty, "\(name) console: \(load.console)")
            #expect(load.requests.isEmpty, "\(name) requests: \(load.requests)")
            let highlighted = try Self.frames(load.dom).filter { $0.fill == FlameGraph.highlight }.map(\.name)
            #expect(!highlighted.isEmpty && highlighted.allSatisfy { hash.hasSuffix($0) }, "\(name): \(highlighted)")
        }
    }

    @Test func screenshotIsNotBlankAndShowsTheHighlight() throws {
        let dir = try Self.artifacts()
        defer { try? FileManager.default.removeItem(at: dir) }
        let image = try Chromium.screenshot(Self.url(dir, "report.html", hash: "search=hot_function"), in: dir,
                                            width: 1300, height: 2600)
        #expect(image.width == 1300 && image.height == 2600)
        let colours = Set(image.pixels)
        #expect(colours.count > 50, "only \(colours.count) colours")
        let white = image.count(0xFFFFFF)
        #expect(Double(white) < 0.9 * Double(image.pixels.count), "mostly white")
        #expect(image.count(0xE600E6) > 500, "no highlighted frame visible")
    }

    /// Labels measured with the browser's font fit their frames, before and
    /// after zooming; clicking a frame zooms to it and Escape comes back.
    @Test func labelsFitAndClickZooms() throws {
        let dir = try Self.artifacts()
        defer { try? FileManager.default.removeItem(at: dir) }
        let script = """
            <script>
            document.querySelectorAll('details').forEach(function (d) { d.open = true; });
            var out = {overflow: [], labels: 0};
            function check() {
              document.querySelectorAll('svg.fg-flame .fg-f').forEach(function (g) {
                var t = g.querySelector('text'), r = g.querySelector('rect');
                if (!t.textContent || g.classList.contains('fg-hidden')) return;
                out.labels++;
                if (t.getComputedTextLength() > +r.getAttribute('width') - 5.5) out.overflow.push(t.textContent);
              });
            }
            check();
            var svg = document.querySelector('svg.fg-flame');
            function frame(name) {
              return [].filter.call(svg.querySelectorAll('.fg-f'), function (g) {
                return g.querySelector('title').textContent.split('\\n')[0] === name; })[0];
            }
            frame('parse_request').dispatchEvent(new MouseEvent('click', {bubbles: true}));
            out.zoomed = svg.classList.contains('fg-zoomed');
            out.zoomWidth = frame('parse_request').querySelector('rect').getAttribute('width');
            out.readInputHidden = frame('read_input').classList.contains('fg-hidden');
            out.parentDimmed = frame('main').classList.contains('fg-parent');
            check();
            svg.querySelector('.fg-reset').dispatchEvent(new KeyboardEvent('keydown', {key: 'Escape', bubbles: true}));
            out.resetWidth = frame('parse_request').querySelector('rect').getAttribute('width');
            out.restored = !frame('read_input').classList.contains('fg-hidden') && !svg.classList.contains('fg-zoomed');
            document.body.setAttribute('data-probe', JSON.stringify(out));
            </script>
            """
        let html = try String(contentsOf: dir.appendingPathComponent("report.html"), encoding: .utf8)
        try html.replacingOccurrences(of: "</body>", with: script + "\n</body>")
            .write(to: dir.appendingPathComponent("probe.html"), atomically: true, encoding: .utf8)
        let load = try Chromium.load(Self.url(dir, "probe.html"), in: dir)
        #expect(load.console.isEmpty, "console: \(load.console)")
        let json = try #require(load.dom.components(separatedBy: "data-probe=\"").dropFirst().first?
            .prefix { $0 != "\"" }.replacingOccurrences(of: "&quot;", with: "\""))
        struct Probe: Decodable {
            var overflow: [String], labels: Int, zoomed: Bool, zoomWidth: String, readInputHidden: Bool
            var parentDimmed: Bool, resetWidth: String, restored: Bool
        }
        let probe = try JSONDecoder().decode(Probe.self, from: Data(json.utf8))
        #expect(probe.labels > 60)
        #expect(probe.overflow.isEmpty, "labels wider than their frames: \(probe.overflow)")
        #expect(probe.zoomed && probe.zoomWidth == "1180.00" && probe.readInputHidden && probe.parentDimmed)
        // 572 of 676 samples over 1180 units
        #expect(probe.resetWidth == "998.46" && probe.restored)
    }

    /// The checks themselves: a page that logs, throws and loads an image over the network fails each.
    @Test func checksCatchConsoleErrorsAndRequests() throws {
        let dir = TestPaths.temporaryDirectory("browser-control")
        defer { try? FileManager.default.removeItem(at: dir) }
        let page = dir.appendingPathComponent("bad.html")
        try """
            <!DOCTYPE html><html><body><img src="http://flamegate-test.invalid/x.png">
            <script>console.error('control error'); missingFunction();</script></body></html>
            """.write(to: page, atomically: true, encoding: .utf8)
        let load = try Chromium.load(page, in: dir)
        #expect(load.console.contains { $0.contains("control error") })
        #expect(load.console.contains { $0.contains("missingFunction") })
        #expect(load.requests == ["http://flamegate-test.invalid/x.png"])
        let blank = dir.appendingPathComponent("blank.html")
        try "<!DOCTYPE html><html><body></body></html>".write(to: blank, atomically: true, encoding: .utf8)
        let image = try Chromium.screenshot(blank, in: dir, width: 400, height: 300)
        #expect(Set(image.pixels).count == 1)
    }
}
