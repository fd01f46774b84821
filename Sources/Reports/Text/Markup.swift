/// Escaping for text that lands in SVG or HTML, from names and messages
/// flamegate does not control (function names, stderr, paths).
enum Markup {
    /// Character data or an attribute value: markup characters as entities and
    /// control characters made visible (`Formatting.visible`), so the result
    /// is well-formed XML and inert HTML. Tab and newline are kept.
    static func escape(_ text: String) -> String {
        var out = ""
        for c in Formatting.visible(text).unicodeScalars {
            switch c {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.unicodeScalars.append(c)
            }
        }
        return out
    }

    /// A number for a coordinate: at most two decimals, no trailing zeros, locale-independent.
    static func number(_ x: Double) -> String {
        let rounded = (x * 100).rounded() / 100
        if rounded == rounded.rounded() { return String(Int64(rounded)) }
        var text = String(format: "%.2f", rounded)
        while text.hasSuffix("0") { text.removeLast() }
        return text
    }

    /// A fragment id from free text: letters, digits and `-` only (`parse request` → `parse-request`).
    static func slug(_ text: String) -> String {
        let mapped = text.lowercased().unicodeScalars.map { c -> Character in
            (c.properties.isAlphabetic && c.isASCII) || ("0"..."9").contains(c) ? Character(c) : "-"
        }
        let collapsed = String(mapped).split(separator: "-", omittingEmptySubsequences: true).joined(separator: "-")
        return collapsed.isEmpty ? "x" : collapsed
    }
}
