import Foundation
import Model

/// Numbers, units and untrusted text as every run-report renderer shows them,
/// so the terminal, JUnit and Markdown reports never disagree on a value.
/// All output is locale-independent (`String(format:)` uses the POSIX locale).
enum Formatting {
    /// Seconds as every report shows them (`DurationText`): `1.234 s`, `123.4 ms`.
    static func seconds(_ s: Double) -> String { DurationText.format(s) }

    /// `seconds` with an explicit sign for changes: `+0.101 s`, `-12.3 ms`, `0 s`.
    static func signedSeconds(_ s: Double) -> String { DurationText.signed(s) }

    /// A size in KiB (how getrusage reports max RSS), scaled past 1024: `512 KiB`, `10.0 MiB`, `1.50 GiB`.
    static func kibibytes(_ k: Double) -> String {
        guard k.isFinite else { return nonFinite(k) }
        let a = abs(k)
        if a < 1024 { return String(format: "%.0f KiB", k) }
        if a < 1024 * 1024 { return String(format: "%.1f MiB", k / 1024) }
        return String(format: "%.2f GiB", k / (1024 * 1024))
    }

    /// A count: whole numbers as such, a median between two counts with one decimal.
    static func count(_ c: Double) -> String {
        guard c.isFinite else { return nonFinite(c) }
        return c.rounded() == c ? String(format: "%.0f", c) : String(format: "%.1f", c)
    }

    /// A value of a metric in its catalog unit (`Metric.unit`); unknown units print as `value unit`.
    static func quantity(_ value: Double?, unit: String) -> String {
        guard let value else { return "-" }
        switch unit {
        case "s": return seconds(value)
        case "KiB": return kibibytes(value)
        case "B": return bytes(value)
        case "count": return count(value)
        default:
            guard value.isFinite else { return nonFinite(value) }
            let number = String(format: "%.4g", value)
            return unit.isEmpty ? number : number + " " + unit
        }
    }

    /// A ratio of current to baseline: `1.103`.
    static func ratio(_ r: Double) -> String {
        r.isFinite ? String(format: "%.3f", r) : nonFinite(r)
    }

    /// A confidence interval of a ratio: `[1.082, 1.125]`.
    static func interval(_ lower: Double, _ upper: Double) -> String {
        "[\(ratio(lower)), \(ratio(upper))]"
    }

    /// A p-value to four decimals; smaller ones as `<0.0001` rather than a misleading `0.0000`.
    static func pValue(_ p: Double) -> String {
        guard p.isFinite else { return nonFinite(p) }
        return p < 0.0001 ? "<0.0001" : String(format: "%.4f", p)
    }

    /// A share already in percent: `50.1%`.
    static func percent(_ share: Double) -> String {
        share.isFinite ? String(format: "%.1f%%", share) : nonFinite(share)
    }

    /// A change of a fraction as a signed percentage: 0.1 → `+10.0%`.
    static func signedPercent(fraction: Double) -> String {
        fraction.isFinite ? String(format: "%+.1f%%", fraction * 100) : nonFinite(fraction)
    }

    /// A change in percentage points: `+2.5 pp`.
    static func points(_ delta: Double) -> String {
        delta.isFinite ? String(format: "%+.1f pp", delta) : nonFinite(delta)
    }

    static func nonFinite(_ x: Double) -> String {
        x.isNaN ? "n/a" : (x > 0 ? "inf" : "-inf")
    }

    /// Text from outside flamegate (stderr, paths, messages) made safe to print
    /// anywhere: control characters other than tab and newline become caret
    /// notation (ESC → `^[`, as `cat -v` shows them) so they can neither drive a
    /// terminal nor make XML 1.0 invalid; C1 controls and the non-characters
    /// U+FFFE/U+FFFF (also illegal in XML) become U+FFFD.
    static func visible(_ text: String) -> String {
        var out = String.UnicodeScalarView()
        for scalar in text.unicodeScalars {
            switch scalar.value {
            case 0x09, 0x0A:
                out.append(scalar)
            case 0x00..<0x20:
                out.append("^")
                out.append(Unicode.Scalar(UInt8(scalar.value + 0x40)))
            case 0x7F:
                out.append(contentsOf: "^?".unicodeScalars)
            case 0x80..<0xA0, 0xFFFE, 0xFFFF:
                out.append("\u{FFFD}")
            default:
                out.append(scalar)
            }
        }
        return String(out)
    }

    /// `visible` text on one line: line breaks become spaces.
    static func oneLine(_ text: String) -> String {
        lines(text).joined(separator: " ")
    }

    /// The lines of `text` (LF or CRLF), made `visible`, without the empty lines at its end.
    static func lines(_ text: String) -> [String] {
        // "\r\n" is one Character in Swift, so it is matched as a separator of its own
        var lines = text.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r\n" })
            .map { line -> String in
                visible(line.hasSuffix("\r") ? String(line.dropLast()) : String(line))
            }
        while lines.last?.allSatisfy({ $0 == " " || $0 == "\t" }) == true { lines.removeLast() }
        return lines
    }

    /// `s` left-aligned in `width` columns.
    static func padRight(_ s: String, _ width: Int) -> String {
        s.count >= width ? s : s + String(repeating: " ", count: width - s.count)
    }
}
