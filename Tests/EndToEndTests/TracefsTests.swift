import Foundation
import Testing
import TestSupport

/// Every probe but pmu works where tracefs is not mounted: the
/// test runs flamegate in a private mount namespace with tracefs unmounted,
/// whatever the machine itself has mounted (make test mounts it for bpftrace).
@Suite(.serialized, .enabled(if: Privileges.isRoot && CLI.built && Privileges.hasCommand("unshare"),
                             "needs root, unshare(1) and the built binary"))
struct TracefsTests {
    /// Runs flamegate ARGS in a mount namespace where no tracefs is mounted.
    static func withoutTracefs(_ arguments: [String]) throws -> CommandResult {
        let quoted = ([TestPaths.flamegate.path] + arguments).map { "'\($0)'" }.joined(separator: " ")
        let script = """
            for m in $(awk '$3 == "tracefs" {print $2}' /proc/mounts | sort -r); do umount "$m" || exit 97; done
            if awk '$3 == "tracefs"' /proc/mounts | grep -q .; then exit 98; fi
            exec \(quoted)
            """
        return try Command.run(["/usr/bin/unshare", "--mount", "--propagation", "private", "/bin/sh", "-c", script])
    }

    @Test func doctorShowsEveryProbeButPMUAvailable() throws {
        let r = try Self.withoutTracefs(["doctor"])
        #expect(r.status == 0, "\(r.stdout)\n\(r.stderr)")
        let lines = r.stdout.split(separator: "\n")
        #expect(lines.contains { $0.hasPrefix("tracefs") && $0.contains("not mounted") }, "\(r.stdout)")
        for probe in ["cpu", "offcpu", "alloc", "io", "sched"] {
            #expect(lines.contains { $0.hasPrefix("probe \(probe) ") && $0.hasSuffix(" ok") }, "\(probe): \(r.stdout)")
        }
    }

    @Test func ioAndExactAllocRecordWithoutTracefs() throws {
        let dir = TestPaths.temporaryDirectory("no-tracefs")
        let target = try Fixtures.c("fsync_writer").path
        let out = dir.appendingPathComponent("out")
        let r = try Self.withoutTracefs(["record", "--probes", "cpu,offcpu,alloc,io,sched", "--alloc-sample", "1",
                                         "--quiet", "-o", out.path, "--", target,
                                         dir.appendingPathComponent("journal").path, "40"])
        #expect(r.status == 0, "\(r.stdout)\n\(r.stderr)")
        let json = try JSONSerialization.jsonObject(
            with: Data(contentsOf: out.appendingPathComponent("profile.json"))) as? [String: Any]
        let metrics = json?["metrics"] as? [String: Double] ?? [:]
        // 40 fsyncs, each timed by the raw syscall tracepoints
        #expect((metrics["io.syscall.fsync.p99"] ?? 0) > 0, "\(metrics)")
        #expect((metrics["io.block_requests"] ?? 0) >= 40, "\(metrics)")
        // exact mode: uprobes on malloc and the raw syscall tracepoints for mmap
        #expect((metrics["alloc.count"] ?? 0) >= 1, "\(metrics)")
        let probes = json?["probes"] as? [[String: Any]] ?? []
        #expect(probes.allSatisfy { $0["unavailable"] == nil }, "\(probes)")
    }
}
