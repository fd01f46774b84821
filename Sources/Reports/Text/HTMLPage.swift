/// The frame every HTML report shares: one self-contained file with its
/// style and script inline and a Content-Security-Policy that forbids every
/// network request (no fonts, images, scripts or styles from anywhere), so
/// the report opens the same offline, from a CI artifact or a mail.
enum HTMLPage {
    static let contentSecurityPolicy =
        "default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:; "
        + "form-action 'none'; base-uri 'none'"

    static func render(title: String, body: String) -> String {
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
            + "<meta http-equiv=\"Content-Security-Policy\" content=\"\(contentSecurityPolicy)\">\n"
            + "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
            + "<title>\(Markup.escape(title))</title>\n<style>\n\(stylesheet)\n\(FlameGraph.stylesheet)\n</style>\n"
            + "</head>\n<body>\n\(body)<script>\n\(FlameGraph.script)\n\(script)\n</script>\n</body>\n</html>\n"
    }

    /// A search box for the flame graphs that follow it in the same section.
    static func searchForm(_ label: String) -> String {
        "<form class=\"fg-search-form\" role=\"search\"><label>\(Markup.escape(label)) "
            + "<input class=\"fg-search-input\" type=\"search\" placeholder=\"regular expression\"></label> "
            + "<button type=\"submit\">Search</button> <button type=\"button\" class=\"fg-reset-all\">Reset</button>"
            + "</form>\n"
    }

    /// A table; cells are escaped unless marked raw, numeric columns right-aligned.
    static func table(caption: String? = nil, headers: [String], rows: [[Cell]]) -> String {
        var out = "<table>\n" + (caption.map { "<caption>\(Markup.escape($0))</caption>\n" } ?? "")
        out += "<thead><tr>" + headers.map { "<th scope=\"col\">\(Markup.escape($0))</th>" }.joined() + "</tr></thead>\n"
        out += "<tbody>\n" + rows.map { row in
            "<tr>" + row.map { cell in
                "<td" + (cell.numeric ? " class=\"num\"" : "") + ">" + (cell.raw ? cell.text : Markup.escape(cell.text))
                    + "</td>"
            }.joined() + "</tr>\n"
        }.joined() + "</tbody>\n</table>\n"
        return out
    }

    struct Cell: ExpressibleByStringLiteral {
        var text: String
        var raw = false
        var numeric = false

        init(_ text: String, raw: Bool = false, numeric: Bool = false) {
            self.text = text
            self.raw = raw
            self.numeric = numeric
        }

        init(stringLiteral text: String) { self.text = text }

        static func number(_ text: String) -> Cell { Cell(text, numeric: true) }
    }

    /// `<span class="badge regressed">REGRESSED</span>`.
    static func badge(_ label: String) -> String {
        "<span class=\"badge \(Markup.slug(label))\">\(Markup.escape(label))</span>"
    }

    /// A collapsible section whose summary is a heading of `level`.
    static func details(_ heading: String, level: Int, open: Bool, _ content: String) -> String {
        "<details\(open ? " open" : "")><summary><h\(level)>\(Markup.escape(heading))</h\(level)></summary>\n"
            + content + "</details>\n"
    }

    static let stylesheet = """
        :root{--fg:#1b1b1b;--muted:#555;--line:#d5d5d0;--bad:#b3261e;--warn:#8a5a00;--good:#1e6b34}
        body{font:15px/1.45 system-ui,-apple-system,"DejaVu Sans",sans-serif;color:var(--fg);margin:0 auto;\
        max-width:1260px;padding:0 16px 48px}
        header.verdict{border-left:8px solid var(--muted);padding:8px 16px;margin:16px 0;background:#f4f4f2}
        header.verdict.regressed,header.verdict.failed{border-color:var(--bad);background:#fbeceb}
        header.verdict.inconclusive{border-color:var(--warn);background:#fdf5e6}
        header.verdict.pass,header.verdict.improved{border-color:var(--good);background:#ebf5ee}
        h1{font-size:1.6em;margin:.3em 0}
        summary h2,summary h3,summary h4{display:inline;font-size:1.1em;margin:0}
        summary h2{font-size:1.25em}
        summary{cursor:pointer;padding:4px 0}
        summary:focus-visible,a:focus-visible,button:focus-visible,input:focus-visible{outline:3px solid #174a8b;\
        outline-offset:2px}
        section.scenario{border-top:2px solid var(--line);margin-top:24px}
        details{margin:8px 0 8px 4px}
        table{border-collapse:collapse;margin:8px 0;font-size:.92em}
        caption{text-align:left;font-weight:bold;padding:4px 0}
        th,td{border-bottom:1px solid var(--line);padding:3px 10px;text-align:left;vertical-align:top}
        td.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
        code,pre{font-family:"DejaVu Sans Mono",monospace;font-size:.92em}
        pre{background:#f4f4f2;padding:8px;overflow:auto;max-height:24em}
        .badge{display:inline-block;padding:0 6px;border-radius:3px;font-weight:bold;font-size:.85em;\
        background:#e4e4e0}
        .badge.regressed,.badge.failed{background:var(--bad);color:#fff}
        .badge.inconclusive{background:#f0c36d}
        .badge.pass,.badge.improved{background:#cfe8d6}
        ul.notices li{color:var(--warn)}
        p.meta{color:var(--muted);font-size:.9em}
        figure{margin:8px 0}
        figcaption{color:var(--muted);font-size:.9em}
        svg.fg-flame,svg.fg-chart{max-width:100%;height:auto;display:block}
        svg.fg-chart{font:12px "DejaVu Sans",sans-serif}
        .fg-chart-bg{fill:#fbfbf9}
        .fg-chart-title{font-weight:bold;font-size:14px}
        .fg-grid{stroke:#e2e2dc}
        .fg-fit{stroke:#b3261e;stroke-width:2}
        .fg-limit{stroke:#555;stroke-dasharray:6 4}
        .fg-run{fill:#9a9a94}
        .fg-median{fill:#1b1b1b}
        .fg-bar{fill:#4c78a8}
        form.fg-search-form{margin:8px 0}
        """

    /// Wires every graph, the search forms (each searches the graphs of its
    /// section) and `#search=REGEX`.
    static let script = """
        [].forEach.call(document.querySelectorAll('svg.fg-flame'), fgInit);
        [].forEach.call(document.querySelectorAll('form.fg-search-form'), function (form) {
          var scope = form.parentNode, input = form.querySelector('input');
          function graphs() { return [].slice.call(scope.querySelectorAll('svg.fg-flame')); }
          form.addEventListener('submit', function (e) {
            e.preventDefault();
            graphs().forEach(function (svg) { svg.fgSearch(input.value); });
          });
          form.querySelector('.fg-reset-all').addEventListener('click', function () {
            input.value = '';
            graphs().forEach(function (svg) { svg.fgReset(); });
          });
        });
        fgSearchFromHash();
        """
}
