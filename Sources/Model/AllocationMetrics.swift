import Foundation

/// The alloc probe's comparable metrics.
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
