import Foundation

/// Durations as every report and finding prints them.
public enum DurationText {
    /// Seconds as hyperfine shows them: `1.234 s` from one second up, below that
    /// `123.4 ms`, `45.6 µs`, `80 ns`; `n/a`, `inf` for what is not a number.
    public static func format(_ s: Double) -> String {
        guard s.isFinite else { return s.isNaN ? "n/a" : (s > 0 ? "inf" : "-inf") }
        let a = abs(s)
        if a == 0 { return "0 s" }
        // thresholds just below the next unit's "1.0" so rounding never shows `1000.0 ms`
        if a >= 0.99995 { return String(format: "%.3f s", s) }
        if a >= 0.99995e-3 { return String(format: "%.1f ms", s * 1e3) }
        if a >= 0.9995e-6 { return String(format: "%.1f µs", s * 1e6) }
        return String(format: "%.0f ns", s * 1e9)
    }

    /// `format` with an explicit sign for changes: `+0.101 s`, `-12.3 ms`, `0 s`.
    public static func signed(_ s: Double) -> String {
        s > 0 ? "+" + format(s) : format(s)
    }
}
