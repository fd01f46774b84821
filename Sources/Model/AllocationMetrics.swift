import Foundation

/// The alloc probe's comparable metrics (issue #5).
extension Metric {
    /// Gated, exactly: any rise beyond `thresholds.leaked_bytes` (default 0) is a regression.
    public static let leakedBytes = Metric(
        id: "alloc.leaked_bytes", unit: "B", threshold: .leakedBytes,
        description: "bytes the program allocated and had not freed when its process ended (runtime one-time "
            + "allocations excluded)")
    public static let allocationCount = Metric(id: "alloc.count", unit: "count", threshold: nil,
                                               description: "allocations (malloc family and anonymous mmap)")
    public static let allocatedBytes = Metric(id: "alloc.bytes", unit: "B", threshold: nil,
                                              description: "bytes requested from the allocator")
    public static let peakOutstandingBytes = Metric(
        id: "alloc.peak_outstanding_bytes", unit: "B", threshold: nil,
        description: "largest number of bytes allocated and not yet freed at once")

    /// In catalog order.
    public static let allocation: [Metric] = [leakedBytes, allocationCount, allocatedBytes, peakOutstandingBytes]
}

/// Byte counts as reports print them.
public enum ByteCount {
    /// `512 B`, `4 KiB`, `3.0 MiB`, `1.50 GiB` (binary units).
    public static func format(_ bytes: Double) -> String {
        guard bytes.isFinite else { return String(bytes) }
        let a = abs(bytes)
        if a < 1024 { return String(format: "%.0f B", bytes) }
        if a < 1024 * 1024 { return String(format: "%.0f KiB", bytes / 1024) }
        if a < 1024 * 1024 * 1024 { return String(format: "%.1f MiB", bytes / (1024 * 1024)) }
        return String(format: "%.2f GiB", bytes / (1024 * 1024 * 1024))
    }
}

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
