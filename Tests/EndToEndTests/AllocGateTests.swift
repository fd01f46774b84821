import Foundation
import Testing
import TestSupport

/// A leak fails the gate and is named.
@Suite(.serialized, .enabled(if: Privileges.isRoot && CLI.built, "needs root and the built binary"))
struct AllocGateTests {
    @Test func newLeakRegressesTheScenarioAndNamesTheCallPath() throws {
        let dir = TestPaths.temporaryDirectory("alloc-gate")
        try FileManager.default.copyItem(at: TestPaths.fixtures.appendingPathComponent("alloc_leak.c"),
                                         to: dir.appendingPathComponent("alloc_leak.c"))
        let scenario = dir.appendingPathComponent("leak.yaml")
        try """
            name: image-leak
            description: process_image frees the buffers it gets from alloc_buffer
            build: mkdir -p build && cc -O2 -g -fno-omit-frame-pointer -o build/alloc_leak alloc_leak.c
            run:
              command: [build/alloc_leak, "${LEAK_MODE:-free}", "3"]
            repetitions: 2
            warmup: 0
            probes: [alloc]
            """.write(to: scenario, atomically: true, encoding: .utf8)
        let baselines = dir.appendingPathComponent("baselines").path
        let update = try CLI.run(["baseline", "update", scenario.path, "--baselines", baselines])
        #expect(update.status == 0, "\(update.stdout)\n\(update.stderr)")

        var env = ProcessInfo.processInfo.environment
        env["LEAK_MODE"] = "free"
        let same = try CLI.run(["run", scenario.path, "--baselines", baselines], environment: env)
        #expect(same.status == 0, "\(same.stdout)\n\(same.stderr)")
        #expect(!same.stdout.contains("alloc.leaked_bytes"), "no leak on either side: nothing to show")

        env["LEAK_MODE"] = "leak"
        let markdown = dir.appendingPathComponent("summary.md").path
        let leak = try CLI.run(["run", scenario.path, "--baselines", baselines, "--markdown", markdown],
                               environment: env)
        #expect(leak.status == 1, "\(leak.stdout)\n\(leak.stderr)")
        #expect(leak.stdout.contains("REGRESSED"))
        #expect(leak.stdout.contains("baseline 0 B, current 3.0 MiB"), "\(leak.stdout)")
        #expect(leak.stdout.contains("alloc_buffer ← process_image ← main"), "\(leak.stdout)")
        // Markdown escapes the underscores
        #expect(try String(contentsOfFile: markdown, encoding: .utf8)
            .contains(#"alloc\_buffer ← process\_image ← main"#))
    }

    @Test func recordPrintsTheLeakWithBytesPerCall() throws {
        let dir = TestPaths.temporaryDirectory("alloc-record")
        let target = try Fixtures.c("alloc_leak").path
        let r = try CLI.run(["record", "--probes", "alloc", "--alloc-sample", "1", "--quiet", "-o", dir.path, "--", target, "leak", "2"])
        #expect(r.status == 0, "\(r.stdout)\n\(r.stderr)")
        #expect(r.stdout.contains("leaks: 2.0 MiB in 2 block(s)"), "\(r.stdout)")
        #expect(r.stdout.contains("1.0 MiB  alloc_buffer ← process_image ← main"), "\(r.stdout)")
        #expect(FileManager.default.fileExists(atPath: dir.appendingPathComponent("leak.folded").path))

        let sampled = try CLI.run(["record", "--probes", "alloc", "--alloc-sample", "512KiB", "--quiet", "-o", dir.path,
                                   "--", target, "leak", "2"])
        #expect(sampled.status == 0, "\(sampled.stdout)\n\(sampled.stderr)")
        #expect(sampled.stdout.contains("one sample per 512 KiB on average"), "\(sampled.stdout)")
        #expect(sampled.stdout.contains("alloc_buffer ← process_image ← main"))

        let bad = try CLI.run(["record", "--alloc-sample", "lots", "--", target])
        #expect(bad.status == 2)
        #expect(bad.stderr.contains("--alloc-sample lots"), "\(bad.stderr)")
    }
}
