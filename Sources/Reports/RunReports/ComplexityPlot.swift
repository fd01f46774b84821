import Analysis
import Foundation

/// Cost against input size on log-log axes (SVG): every run as a small dot,
/// the median of each size as a large one, the least-squares line of
/// ``LogLogFit`` through the medians with its exponent and interval, and a
/// dashed line of the scenario's `complexity_exponent` threshold from the
/// smallest size, so a steeper fitted line reads as a complexity regression.
struct ComplexityPlot {
    struct Point {
        var size: Double
        var values: [Double]
    }

    var title: String
    var points: [Point]
    var fit: LogLogFit?
    /// The exponent the scenario allows (its threshold).
    var threshold: Double?

    static let width = 640.0, height = 380.0
    static let left = 100.0, right = 24.0, top = 44.0, bottom = 56.0

    /// Medians per size, and the fit through them (nil with fewer than two sizes).
    init(title: String, points: [Point], threshold: Double?) {
        self.title = title
        self.points = points.filter { $0.size > 0 && !$0.values.isEmpty }.sorted { $0.size < $1.size }
        self.threshold = threshold
        let medians = self.points.compactMap { p in Descriptive.median(p.values).map { (p.size, $0) } }
        fit = try? LogLogFit.fit(sizes: medians.map(\.0), costs: medians.map(\.1))
    }

    func render() -> String {
        let sizes = points.map(\.size), values = points.flatMap(\.values).filter { $0 > 0 }
        guard let xMin = sizes.min(), let xMax = sizes.max(), let yMin = values.min(), let yMax = values.max() else {
            return ""
        }
        let x = Axis(low: xMin, high: xMax, from: Self.left, to: Self.width - Self.right)
        let y = Axis(low: yMin, high: yMax, from: Self.height - Self.bottom, to: Self.top)
        var out = "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"fg-chart\" width=\"\(Int(Self.width))\" "
            + "height=\"\(Int(Self.height))\" viewBox=\"0 0 \(Int(Self.width)) \(Int(Self.height))\" role=\"img\" "
            + "aria-label=\"\(Markup.escape(summary))\">\n<title>\(Markup.escape(title))</title>\n"
        out += "<rect class=\"fg-chart-bg\" width=\"100%\" height=\"100%\"/>\n"
        out += "<text class=\"fg-chart-title\" x=\"\(Int(Self.width / 2))\" y=\"20\" text-anchor=\"middle\">"
            + Markup.escape(title) + "</text>\n"
        // a grid line and its label per tick: vertical ones along x, horizontal ones along y
        func grid(_ x1: String, _ x2: String, _ y1: String, _ y2: String, label: String, at position: String) -> String {
            "<line class=\"fg-grid\" x1=\"\(x1)\" x2=\"\(x2)\" y1=\"\(y1)\" y2=\"\(y2)\"/><text \(position)>\(label)</text>\n"
        }
        let (left, right) = ("\(Int(Self.left))", "\(Int(Self.width - Self.right))")
        let (top, bottom) = ("\(Int(Self.top))", "\(Int(Self.height - Self.bottom))")
        out += x.ticks.map { t in
            let px = Markup.number(x.position(t))
            return grid(px, px, top, bottom, label: FlameUnit.grouped(UInt64(t.rounded())),
                        at: "x=\"\(px)\" y=\"\(Int(Self.height - Self.bottom + 16))\" text-anchor=\"middle\"")
        }.joined()
        out += y.ticks.map { t in
            let py = Markup.number(y.position(t))
            return grid(left, right, py, py, label: Markup.escape(Formatting.seconds(t)),
                        at: "x=\"\(Int(Self.left - 6))\" y=\"\(py)\" text-anchor=\"end\" dominant-baseline=\"middle\"")
        }.joined()
        out += "<text x=\"\(Int((Self.left + Self.width - Self.right) / 2))\" y=\"\(Int(Self.height - 14))\" "
            + "text-anchor=\"middle\">size (log scale)</text>\n"
        out += "<text transform=\"translate(16 \(Int((Self.top + Self.height - Self.bottom) / 2))) rotate(-90)\" "
            + "text-anchor=\"middle\">wall time (log scale)</text>\n"
        if let fit {
            let line = { (s: Double) in exp(fit.intercept) * pow(s, fit.slope) }
            out += segment(x, y, (xMin, line(xMin)), (xMax, line(xMax)), cssClass: "fg-fit")
            if let threshold, let first = points.first, let start = Descriptive.median(first.values) {
                let limit = { (s: Double) in start * pow(s / xMin, threshold) }
                out += segment(x, y, (xMin, start), (xMax, limit(xMax)), cssClass: "fg-limit")
            }
        }
        for p in points {
            for v in p.values where v > 0 {
                out += "<circle class=\"fg-run\" cx=\"\(Markup.number(x.position(p.size)))\" "
                    + "cy=\"\(Markup.number(y.position(v)))\" r=\"2\"/>\n"
            }
            if let m = Descriptive.median(p.values), m > 0 {
                out += "<circle class=\"fg-median\" cx=\"\(Markup.number(x.position(p.size)))\" "
                    + "cy=\"\(Markup.number(y.position(m)))\" r=\"4.5\"><title>size \(FlameUnit.grouped(UInt64(p.size))): "
                    + "median \(Markup.escape(Formatting.seconds(m))) over \(p.values.count) runs</title></circle>\n"
            }
        }
        out += "<text class=\"fg-chart-note\" x=\"\(Int(Self.left + 8))\" y=\"\(Int(Self.top + 14))\">"
            + Markup.escape(fitText) + "</text>\n"
        return out + "</svg>\n"
    }

    /// `exponent 1.98 [1.92, 2.05], R² 0.998 (threshold 1.3)`.
    var fitText: String {
        guard let fit else { return "no fit: fewer than two sizes with positive times" }
        return String(format: "exponent %.2f [%.2f, %.2f], R² %.3f", fit.slope, fit.slopeInterval.lower,
                      fit.slopeInterval.upper, fit.rSquared)
            + (threshold.map { " (threshold " + Markup.number($0) + ")" } ?? "")
    }

    var summary: String {
        "Log-log plot of wall time against size for \(points.count) sizes: " + fitText
    }

    private func segment(_ x: Axis, _ y: Axis, _ a: (Double, Double), _ b: (Double, Double), cssClass: String) -> String {
        "<line class=\"\(cssClass)\" x1=\"\(Markup.number(x.position(a.0)))\" y1=\"\(Markup.number(y.position(a.1)))\" "
            + "x2=\"\(Markup.number(x.position(b.0)))\" y2=\"\(Markup.number(y.position(b.1)))\"/>\n"
    }

    /// A logarithmic axis over whole decades around [low, high].
    struct Axis {
        let lowExponent: Double, highExponent: Double
        let from: Double, to: Double

        init(low: Double, high: Double, from: Double, to: Double) {
            var lowExponent = log10(low).rounded(.down), highExponent = log10(high).rounded(.up)
            if highExponent <= lowExponent { highExponent = lowExponent + 1 }
            if highExponent - lowExponent > 12 { lowExponent = highExponent - 12 }
            self.lowExponent = lowExponent
            self.highExponent = highExponent
            self.from = from
            self.to = to
        }

        func position(_ value: Double) -> Double {
            let t = (log10(max(value, 1e-300)) - lowExponent) / (highExponent - lowExponent)
            return from + (to - from) * t
        }

        /// Powers of ten, plus 2× and 5× steps when the axis spans at most two decades.
        var ticks: [Double] {
            let steps: [Double] = highExponent - lowExponent <= 2 ? [1, 2, 5] : [1]
            var out: [Double] = []
            for e in Int(lowExponent)...Int(highExponent) {
                for s in steps where Double(e) + log10(s) <= highExponent + 1e-9 { out.append(s * pow(10, Double(e))) }
            }
            return out
        }
    }
}
