import Foundation
import Harness
import TestSupport

/// Runs a bpftrace script around a piece of work and parses its maps: the
/// independent reference for the probes.
enum BpftraceReference {
    struct Bucket: CustomStringConvertible {
        let low: UInt64, high: UInt64, count: UInt64
        var description: String { "[\(low), \(high)): \(count)" }
    }

    /// Starts bpftrace, waits until it attached, runs `work`, stops bpftrace
    /// (SIGINT) and returns its output with the work's result. bpftrace is
    /// started through flamegate's launcher, which clears the signal mask the
    /// test runner's threads would otherwise pass on (blocking SIGINT).
    static func during<T>(_ script: String, _ work: () throws -> T) throws -> (T, String) {
        let output = TestPaths.temporaryDirectory("bpftrace").appendingPathComponent("out")
        let spec = LaunchSpec(command: ["/usr/bin/bpftrace", "-B", "line", "-e",
                                        "BEGIN { printf(\"ready\\n\"); } " + script],
                              stdinPath: "/dev/null", stdoutPath: output.path, stderrPath: "/dev/null")
        let bpftrace = try HeldProcess(spec)
        try bpftrace.release()
        let deadline = Date().addingTimeInterval(30)
        func text() -> String { (try? String(contentsOf: output, encoding: .utf8)) ?? "" }
        while !text().contains("ready"), Date() < deadline { usleep(20_000) }
        let result: T
        do {
            result = try work()
        } catch {
            kill(bpftrace.pid, SIGKILL)
            waitpid(bpftrace.pid, nil, 0)
            throw error
        }
        try stop(bpftrace.pid)
        return (result, text())
    }

    /// What bpftrace did not stop on.
    struct Hung: Error, CustomStringConvertible {
        var description: String
    }

    /// SIGINT, repeated until bpftrace exits: bpftrace 0.17 loses a SIGINT
    /// that comes right after its BEGIN probe ran (seen in a clean-clone CI
    /// run: "ready" printed, the signal caught, bpftrace polling on for ten
    /// minutes; a second SIGINT stopped it at once).
    static func stop(_ pid: Int32) throws {
        for _ in 0..<20 {
            kill(pid, SIGINT)
            for _ in 0..<50 {
                if waitpid(pid, nil, WNOHANG) == pid { return }
                usleep(20_000)
            }
        }
        kill(pid, SIGKILL)
        waitpid(pid, nil, 0)
        throw Hung(description: "bpftrace did not stop on SIGINT within 20 s")
    }

    /// The buckets of a `hist()` map: lines like `[4K, 8K)   12 |@@@|`.
    static func histogram(_ output: String, name: String) -> [Bucket]? {
        let lines = output.components(separatedBy: "\n")
        guard let start = lines.firstIndex(where: { $0.hasPrefix(name + ":") }) else { return nil }
        var buckets: [Bucket] = []
        for line in lines[(start + 1)...] {
            guard line.hasPrefix("[") || line.hasPrefix("("),
                  let close = line.firstIndex(where: { $0 == "]" || $0 == ")" }) else { break }
            let bounds = line[line.index(after: line.startIndex)..<close].split(separator: ",")
                .map { $0.trimmingCharacters(in: .whitespaces) }
            let rest = line[line.index(after: close)...]
            guard let count = rest.split(separator: " ").first.flatMap({ UInt64($0) }) else { continue }
            let low = bounds.first.flatMap(parseSize) ?? 0
            let high = bounds.count > 1 ? parseSize(bounds[1]) ?? low + 1 : low + 1
            buckets.append(Bucket(low: low, high: high, count: count))
        }
        return buckets
    }

    static func medianBucket(_ buckets: [Bucket]) -> Bucket? {
        let total = buckets.reduce(UInt64(0)) { $0 + $1.count }
        var seen: UInt64 = 0
        for b in buckets {
            seen += b.count
            if seen * 2 >= total { return b }
        }
        return nil
    }

    /// The value of a `count()` map: `@n: 123`.
    static func count(_ output: String, name: String) -> UInt64? {
        output.components(separatedBy: "\n").first { $0.hasPrefix(name + ": ") }
            .flatMap { UInt64($0.dropFirst(name.count + 2).trimmingCharacters(in: .whitespaces)) }
    }

    /// bpftrace's sizes: `4`, `4K`, `2M`, `1G`.
    static func parseSize(_ text: String) -> UInt64? {
        let units: [Character: UInt64] = ["K": 1 << 10, "M": 1 << 20, "G": 1 << 30]
        if let last = text.last, let scale = units[last] { return UInt64(text.dropLast()).map { $0 * scale } }
        return UInt64(text)
    }
}
