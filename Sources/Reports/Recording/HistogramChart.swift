import Model

/// A latency histogram as an SVG bar chart in BCC's layout (biolatency,
/// runqlat): one bar per power of two of the unit that suits its median
/// (ns, µs or ms), with the count beside each bar and p50, p99 and the mean
/// above.
struct HistogramChart {
    var histogram: NamedHistogram

    static let width = 640.0, rowHeight = 18.0, labelWidth = 170.0, barWidth = 360.0, top = 50.0

    var unit: (name: String, nanoseconds: Double) {
        let median = histogram.histogram.quantile(0.5) ?? 0
        if median >= 1e6 { return ("ms", 1e6) }
        if median >= 1e3 { return ("µs", 1e3) }
        return ("ns", 1)
    }

    var title: String { histogram.probe + " " + histogram.name }

    /// `1,234 events, p50 1.2 ms, p99 8.1 ms, mean 2.0 ms`.
    var summary: String {
        let h = histogram.histogram
        var parts = [FlameUnit.grouped(h.count) + (h.count == 1 ? " event" : " events")]
        if let p50 = h.quantile(0.5), let p99 = h.quantile(0.99) {
            parts.append("p50 " + Formatting.seconds(p50 / 1e9))
            parts.append("p99 " + Formatting.seconds(p99 / 1e9))
        }
        if let mean = h.mean { parts.append("mean " + Formatting.seconds(mean / 1e9)) }
        if let bytes = histogram.bytes { parts.append(FlameUnit.bytes(bytes)) }
        if let issued = histogram.attributedCount { parts.append(FlameUnit.grouped(issued) + " issued by the target") }
        return parts.joined(separator: ", ")
    }

    func render() -> String {
        let unit = unit
        var rows = histogram.histogram.log2Rows(unitNanoseconds: unit.nanoseconds)
        while rows.first?.count == 0 { rows.removeFirst() }
        let peak = rows.map(\.count).max() ?? 0
        let height = Self.top + Double(rows.count) * Self.rowHeight + 12
        var out = "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"fg-chart\" width=\"\(Int(Self.width))\" "
            + "height=\"\(Markup.number(height))\" viewBox=\"0 0 \(Int(Self.width)) \(Markup.number(height))\" "
            + "role=\"img\" aria-label=\"\(Markup.escape("Latency histogram " + title + ": " + summary))\">\n"
            + "<title>\(Markup.escape(title))</title>\n<rect class=\"fg-chart-bg\" width=\"100%\" height=\"100%\"/>\n"
            + "<text class=\"fg-chart-title\" x=\"12\" y=\"20\">\(Markup.escape(title))</text>\n"
            + "<text class=\"fg-chart-note\" x=\"12\" y=\"38\">\(Markup.escape(summary))</text>\n"
        for (i, row) in rows.enumerated() {
            let y = Self.top + Double(i) * Self.rowHeight
            let w = peak > 0 ? Self.barWidth * Double(row.count) / Double(peak) : 0
            let label = "\(FlameUnit.grouped(row.low)) – \(FlameUnit.grouped(row.high)) \(unit.name)"
            out += "<text x=\"\(Int(Self.labelWidth - 8))\" y=\"\(Markup.number(y + 12.5))\" text-anchor=\"end\">"
                + Markup.escape(label) + "</text>"
                + "<rect class=\"fg-bar\" x=\"\(Int(Self.labelWidth))\" y=\"\(Markup.number(y + 2))\" "
                + "width=\"\(Markup.number(w))\" height=\"\(Markup.number(Self.rowHeight - 4))\"/>"
                + "<text x=\"\(Markup.number(Self.labelWidth + w + 6))\" y=\"\(Markup.number(y + 12.5))\">"
                + FlameUnit.grouped(row.count) + "</text>\n"
        }
        return out + "</svg>\n"
    }
}
