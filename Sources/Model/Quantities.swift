import Foundation

/// Parsers for the human-written quantities of scenario files. Each returns nil
/// on malformed input; callers turn that into an error naming the file and line.
public enum Quantity {
    /// "30s", "500ms", "2m", "1h", "1.5s", "250us" → seconds (> 0).
    public static func seconds(_ text: String) -> Double? {
        let units: [(String, Double)] = [("ms", 1e-3), ("us", 1e-6), ("µs", 1e-6), ("ns", 1e-9), ("s", 1),
                                         ("m", 60), ("h", 3600)]
        let t = text.trimmingCharacters(in: .whitespaces)
        for (suffix, scale) in units where t.hasSuffix(suffix) {
            guard let value = Double(t.dropLast(suffix.count).trimmingCharacters(in: .whitespaces)),
                  value.isFinite, value > 0 else { return nil }
            return value * scale
        }
        return nil
    }

    /// "5%" → 0.05 (0 ≤ value).
    public static func fraction(percent text: String) -> Double? {
        let t = text.trimmingCharacters(in: .whitespaces)
        guard t.hasSuffix("%"), let value = Double(t.dropLast().trimmingCharacters(in: .whitespaces)),
              value.isFinite, value >= 0 else { return nil }
        return value / 100
    }

    /// "2pp" → 2 percentage points (0 ≤ value ≤ 100).
    public static func percentagePoints(_ text: String) -> Double? {
        let t = text.trimmingCharacters(in: .whitespaces)
        guard t.hasSuffix("pp"), let value = Double(t.dropLast(2).trimmingCharacters(in: .whitespaces)),
              value.isFinite, value >= 0, value <= 100 else { return nil }
        return value
    }

    /// The longest timeout or duration flamegate accepts: a week. Longer
    /// would not fit the kernel's nanosecond clocks once added to "now", and
    /// no CI job waits that long.
    public static let maximumSeconds: Double = 7 * 86_400

    /// The largest average allocation sampling interval: 1 TiB (the shim's
    /// random intervals are drawn in 64-bit byte counts).
    public static let maximumSampleEvery: UInt64 = 1 << 40

    /// Why `seconds` cannot be a timeout or duration, or nil when it can.
    public static func durationProblem(_ seconds: Double) -> String? {
        guard seconds.isFinite, seconds > 0 else { return "expected a finite number of seconds greater than 0" }
        guard seconds <= maximumSeconds else { return "is too long: expected at most 7 days (604800s)" }
        return nil
    }

    /// Why `bytes` cannot be an allocation sampling interval, or nil when it can.
    public static func sampleEveryProblem(_ bytes: UInt64) -> String? {
        if bytes == 0 { return "must be at least 1 byte" }
        if bytes > maximumSampleEvery { return "is too large: expected at most 1TiB" }
        return nil
    }

    /// "0", "4096", "64KiB", "1MiB", "2GB" → bytes; a value beyond 64 bits
    /// is UInt64.max (callers check their own upper limit).
    public static func bytes(_ text: String) -> UInt64? {
        let t = text.trimmingCharacters(in: .whitespaces)
        let units: [(String, Double)] = [("KiB", 1024), ("MiB", 1_048_576), ("GiB", 1_073_741_824), ("KB", 1e3), ("MB", 1e6),
                                         ("GB", 1e9), ("B", 1)]
        for (suffix, scale) in units where t.hasSuffix(suffix) {
            guard let value = Double(t.dropLast(suffix.count).trimmingCharacters(in: .whitespaces)),
                  value.isFinite, value >= 0 else { return nil }
            let bytes = value * scale
            return bytes >= Double(UInt64.max) ? UInt64.max : UInt64(bytes)
        }
        return UInt64(t)
    }

    /// A fraction as a percentage ("5%", "2.5%").
    public static func format(fraction: Double) -> String {
        "\(trimmed(fraction * 100))%"
    }

    /// Percentage points ("2pp").
    public static func format(points: Double) -> String {
        "\(trimmed(points))pp"
    }

    static func trimmed(_ x: Double) -> String {
        let rounded = (x * 1e6).rounded() / 1e6
        return rounded == rounded.rounded() ? String(Int64(rounded)) : String(rounded)
    }

    /// Seconds as a scenario would write them ("1.5s", "250ms").
    public static func format(seconds: Double) -> String {
        seconds >= 1 || seconds == 0 ? "\(trimmed(seconds))s" : "\(trimmed(seconds * 1000))ms"
    }
}
