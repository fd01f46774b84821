import Analysis

/// A plain-text table with padded columns for the terminal. Colour is applied
/// after padding, around the text only, so escape codes never count toward a
/// column's width and lines carry no trailing spaces.
struct TextTable {
    enum Alignment { case left, right }

    struct Cell {
        var text: String
        var style: ANSIStyle?

        init(_ text: String, _ style: ANSIStyle? = nil) {
            self.text = text
            self.style = style
        }
    }

    enum Row {
        case cells([Cell])
        /// `lead` fills the first columns, `trail` the last ones and `span`
        /// everything between, left-aligned (a note in place of numbers).
        case spanning(lead: [Cell], span: Cell, trail: [Cell])
    }

    var alignments: [Alignment]
    /// What separates column i from column i-1 (`gaps[0]` is unused): two spaces
    /// unless a table joins columns into phrases (`50.1% → 52.6%`).
    var gaps: [String]
    var rows: [Row] = []

    init(_ alignments: [Alignment], gaps: [String]? = nil) {
        self.alignments = alignments
        self.gaps = gaps ?? Array(repeating: "  ", count: alignments.count)
    }

    mutating func add(_ cells: [Cell]) { rows.append(.cells(cells)) }

    mutating func add(lead: [Cell], span: Cell, trail: [Cell]) {
        rows.append(.spanning(lead: lead, span: span, trail: trail))
    }

    func render(color: Bool, indent: String) -> [String] {
        var widths = Array(repeating: 0, count: alignments.count)
        for row in rows {
            for (column, cell) in placed(row) { widths[column] = max(widths[column], cell.text.count) }
        }
        return rows.map { row in
            var line = indent
            switch row {
            case .cells(let cells):
                for (i, cell) in cells.enumerated() {
                    line += (i == 0 ? "" : gaps[i]) + format(cell, width: widths[i], alignments[i], color)
                }
            case .spanning(let lead, let span, let trail):
                let middle = lead.count..<(alignments.count - trail.count)
                let spanWidth = middle.reduce(0) { $0 + widths[$1] }
                    + middle.dropFirst().reduce(0) { $0 + gaps[$1].count }
                for (i, cell) in lead.enumerated() {
                    line += (i == 0 ? "" : gaps[i]) + format(cell, width: widths[i], alignments[i], color)
                }
                line += (middle.lowerBound == 0 ? "" : gaps[middle.lowerBound]) + format(span, width: spanWidth, .left, color)
                for (i, cell) in trail.enumerated() {
                    let column = middle.upperBound + i
                    line += gaps[column] + format(cell, width: widths[column], alignments[column], color)
                }
            }
            while line.hasSuffix(" ") { line.removeLast() }
            return line
        }
    }

    /// The cells of `row` that set a column's width, by column.
    private func placed(_ row: Row) -> [(Int, Cell)] {
        switch row {
        case .cells(let cells): return Array(cells.enumerated())
        case .spanning(let lead, _, let trail):
            return Array(lead.enumerated()) + trail.enumerated().map { (alignments.count - trail.count + $0, $1) }
        }
    }

    private func format(_ cell: Cell, width: Int, _ alignment: Alignment, _ color: Bool) -> String {
        let padding = String(repeating: " ", count: max(width - cell.text.count, 0))
        let text = ANSIStyle.paint(cell.text, cell.style, color: color)
        return alignment == .left ? text + padding : padding + text
    }
}

/// The few SGR escape codes the terminal report uses.
enum ANSIStyle: String {
    case bold = "1", red = "31", green = "32", yellow = "33", boldRed = "1;31", boldGreen = "1;32", boldYellow = "1;33"

    static func paint(_ text: String, _ style: ANSIStyle?, color: Bool) -> String {
        guard color, let style, !text.isEmpty else { return text }
        return "\u{1B}[\(style.rawValue)m\(text)\u{1B}[0m"
    }

    /// Red for what fails the gate, yellow for what cannot be decided, green for the rest.
    static func of(_ outcome: Outcome, bold: Bool = false) -> ANSIStyle {
        switch outcome {
        case .failed, .regressed: return bold ? .boldRed : .red
        case .inconclusive: return bold ? .boldYellow : .yellow
        case .pass, .improved: return bold ? .boldGreen : .green
        }
    }

    static func of(_ verdict: Verdict) -> ANSIStyle { of(Outcome(verdict)) }
}
