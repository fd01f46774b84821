import Model

/// An interactive flame graph as one self-contained SVG, in the manner of
/// Brendan Gregg's flamegraph.pl: hover a frame for its name, value and
/// share; click to zoom into it (Reset Zoom or Escape to come back); search
/// with a regular expression (the Search control, or `#search=REGEX` in the
/// page's address) to highlight matching frames and show the share they cover.
///
/// A pure function of the tree and the options: no dates, no random colours
/// (``FlamePalette`` hashes names), coordinates rounded the same way every
/// time, so the output suits golden files. Names are cut to what fits in
/// their frame (`parse_req..`) and never overlap; frames narrower than
/// ``minimumWidth`` are left out, as flamegraph.pl does.
public struct FlameGraph: Sendable {
    public enum Orientation: String, Sendable {
        /// Root at the bottom, callees above.
        case flame
        /// Root at the top, callees below.
        case icicle
    }

    /// Which profile sets the widths of a differential graph.
    public enum Widths: String, Sendable {
        /// The current profile: what grew is visible.
        case current
        /// The baseline: what shrank or was removed is visible.
        case baseline
    }

    public enum Coloring: Sendable {
        case palette(FlamePalette)
        /// Colours by the change of each frame's normalised share (see ``FlameTree``'s baseline values).
        case differential(Widths)
    }

    public var title: String
    public var subtitle: String?
    public var unit: FlameUnit
    public var orientation: Orientation
    /// Width of the drawing in SVG units.
    public var width: Double
    /// Without its own style and script: for pages that hold several graphs
    /// and load ``FlameGraph/stylesheet`` and ``FlameGraph/script`` once.
    public var embedded: Bool
    /// A function to zoom into when the graph opens (the culprit of a
    /// regression); the widest frame of that name. Reset Zoom shows all.
    public var focus: String?

    static let fontSize = 12.0
    static let frameHeight = 16.0
    static let padding = 10.0
    /// Average advance of a monospace character, as a share of the font size
    /// (DejaVu Sans Mono: 0.602), rounded up so estimated labels always fit.
    static let characterWidth = 0.62
    /// Frames narrower than this (in SVG units) are not drawn.
    public static let minimumWidth = 0.1
    /// Fill of frames that match a search.
    static let highlight = "rgb(230,0,230)"

    public init(title: String, subtitle: String? = nil, unit: FlameUnit, orientation: Orientation = .flame,
                width: Double = 1200, embedded: Bool = false) {
        self.title = title
        self.subtitle = subtitle
        self.unit = unit
        self.orientation = orientation
        self.width = width
        self.embedded = embedded
    }

    /// The graph of `tree`, coloured as asked.
    public func render(_ tree: FlameTree, coloring: Coloring) -> String {
        let widths: Widths
        let fill: (FlameTree.Node) -> String
        let details: (FlameTree.Node) -> String
        switch coloring {
        case .palette(let palette):
            widths = .current
            fill = palette.fill
            details = { [unit] n in
                unit.describe(n.value) + ", " + Self.percent(Double(n.value), Double(tree.root.value))
            }
        case .differential(let view):
            widths = view
            let colors = DifferentialColors(tree)
            fill = colors.fill
            details = { [unit] n in
                "current " + Self.percent(colors.currentShare(n) * 100, 100) + " (" + unit.describe(n.value)
                    + "), baseline " + Self.percent(colors.baselineShare(n) * 100, 100) + " ("
                    + unit.describe(n.baseline) + "), change " + Formatting.points(colors.change(n) * 100)
            }
        }
        let value: (FlameTree.Node) -> UInt64 = widths == .current ? { $0.value } : { $0.baseline }
        let total = value(tree.root)
        let scale = total > 0 ? (width - 2 * Self.padding) / Double(total) : 0
        let top = subtitle == nil ? 40.0 : 58.0, bottom = 34.0
        let height = top + bottom + Double(tree.depth + 1) * Self.frameHeight

        var frames: [String] = []
        func draw(_ node: FlameTree.Node, depth: Int, offset: UInt64) {
            let w = Double(value(node)) * scale
            guard value(node) > 0, w >= Self.minimumWidth else { return }
            let x = Self.padding + Double(offset) * scale
            let y = orientation == .flame ? height - bottom - Double(depth + 1) * Self.frameHeight
                : top + Double(depth) * Self.frameHeight
            let name = Markup.escape(node.name)
            frames.append("<g class=\"fg-f\" data-o=\"\(offset)\" data-v=\"\(value(node))\" data-d=\"\(depth)\">"
                + "<title>\(name)\n\(Markup.escape(details(node)))</title>"
                + "<rect x=\"\(Markup.number(x))\" y=\"\(Markup.number(y))\" width=\"\(Markup.number(w))\" "
                + "height=\"\(Markup.number(Self.frameHeight - 1))\" fill=\"\(fill(node))\" rx=\"2\" ry=\"2\"/>"
                + "<text x=\"\(Markup.number(x + 3))\" y=\"\(Markup.number(y + 11.5))\">"
                + Markup.escape(Self.label(node.name, width: w)) + "</text></g>")
            var childOffset = offset
            for child in node.children {
                draw(child, depth: depth + 1, offset: childOffset)
                childOffset += value(child)
            }
        }
        draw(tree.root, depth: 0, offset: 0)

        let w = Markup.number(width), h = Markup.number(height)
        var out = embedded ? "" : "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"no\"?>\n"
        out += "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"fg-flame\" width=\"\(w)\" height=\"\(h)\" "
            + "viewBox=\"0 0 \(w) \(h)\" role=\"group\" aria-label=\"\(Markup.escape(accessibleName(total)))\" "
            + "data-total=\"\(total)\" data-width=\"\(w)\""
            + (focus.map { " data-focus=\"" + Markup.escape($0) + "\"" } ?? "") + ">\n"
        out += "<title>\(Markup.escape(title))</title>\n"
        out += "<desc>Each box is a function; its width is its share of \(Markup.escape(unit.describe(total))). "
            + "Callers sit \(orientation == .flame ? "below" : "above") their callees. Click a box to zoom, "
            + "Reset Zoom or Escape to return; Search highlights functions matching a regular expression.</desc>\n"
        if !embedded { out += "<style>\(Self.stylesheet)</style>\n" }
        out += "<rect class=\"fg-bg\" width=\"100%\" height=\"100%\"/>\n"
        out += "<text class=\"fg-title\" x=\"\(Markup.number(width / 2))\" y=\"24\" text-anchor=\"middle\">"
            + Markup.escape(title) + "</text>\n"
        if let subtitle {
            out += "<text class=\"fg-subtitle\" x=\"\(Markup.number(width / 2))\" y=\"42\" text-anchor=\"middle\">"
                + Markup.escape(subtitle) + "</text>\n"
        }
        out += "<text class=\"fg-btn fg-reset\" x=\"\(Markup.number(Self.padding))\" y=\"24\" tabindex=\"0\" "
            + "role=\"button\">Reset Zoom</text>\n"
        if !embedded {
            out += "<text class=\"fg-btn fg-search\" x=\"\(Markup.number(width - Self.padding))\" y=\"24\" "
                + "text-anchor=\"end\" tabindex=\"0\" role=\"button\">Search</text>\n"
        }
        out += "<text class=\"fg-details\" x=\"\(Markup.number(Self.padding))\" y=\"\(Markup.number(height - 12))\" "
            + "aria-live=\"polite\"> </text>\n"
        out += "<text class=\"fg-matched\" x=\"\(Markup.number(width - Self.padding))\" "
            + "y=\"\(Markup.number(height - 12))\" text-anchor=\"end\" aria-live=\"polite\"> </text>\n"
        out += "<g class=\"fg-frames\">\n" + frames.joined(separator: "\n") + "\n</g>\n"
        if !embedded {
            out += "<script type=\"text/ecmascript\"><![CDATA[\n\(Self.script)\nfgInit(document.documentElement);\n"
                + "fgSearchFromHash();\n]]></script>\n"
        }
        return out + "</svg>\n"
    }

    func accessibleName(_ total: UInt64) -> String {
        "Flame graph: " + title + (subtitle.map { ". " + $0 } ?? "") + ". Total " + unit.describe(total) + "."
    }

    /// The name cut to the frame's width: whole when it fits, else its start
    /// and `..`, empty when fewer than three characters fit.
    static func label(_ name: String, width: Double) -> String {
        let fits = Int(((width - 6) / (fontSize * characterWidth)).rounded(.down))
        if fits < 3 { return "" }
        return name.count <= fits ? name : String(name.prefix(fits - 2)) + ".."
    }

    static func percent(_ part: Double, _ total: Double) -> String {
        total > 0 ? String(format: "%.2f%%", part * 100 / total) : "-"
    }
}
