import Foundation
import Model
import Reports
import Testing
import TestSupport

/// `flamegate record` end to end.
@Suite(.serialized, .enabled(if: Privileges.isRoot && CLI.built, "needs root and the built binary"))
struct RecordCommandTests {
    @Test func writesFoldedStacksJSONAndASummary() throws {
        let dir = TestPaths.temporaryDirectory("e2e")
        let ratio = try Fixtures.c("ratio")
        let r = try CLI.run(["record", "--probes", "cpu", "--freq", "199", "-o", dir.path, "--", ratio.path, "500"])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.contains("top functions by self time"))
        #expect(r.stdout.contains("burn_heavy"))
        #expect(r.stdout.contains("dropped samples: 0"))
        #expect(r.stdout.contains("unknown frames:"))
        #expect(r.stdout.contains("done "), "the target's stdout passes through")

        let folded = try String(contentsOf: dir.appendingPathComponent("cpu.folded"), encoding: .utf8)
        let stacks = FoldedStacks.parse(folded)
        #expect(stacks.contains { $0.stack.first == "ratio" && $0.stack.last == "burn_heavy" })

        let data = try Data(contentsOf: dir.appendingPathComponent("profile.json"))
        let recording = try JSONFormat.decoder().decode(Recording.self, from: data)
        #expect(recording.cpuFrequencyHz == 199)
        #expect(recording.profile("cpu")?.total == stacks.map(\.count).reduce(0, +))
        #expect(recording.profile("cpu")?.periodNanoseconds == 1_000_000_000 / 199)
        #expect(recording.processes.first?.names == ["ratio"])
        #expect(recording.lost.contains { $0.name == "dropped_samples" })
        #expect(recording.usage.wallSeconds > 0.45)
    }

    @Test func quietCapturesTheTargetsOutput() throws {
        let dir = TestPaths.temporaryDirectory("quiet")
        let r = try CLI.run(["record", "--quiet", "-o", dir.path, "--", "/bin/sh", "-c", "echo out-line; echo err-line >&2"])
        #expect(r.status == 0)
        #expect(!r.stdout.split(separator: "\n").contains("out-line"))
        #expect(try String(contentsOf: dir.appendingPathComponent("target.stdout"), encoding: .utf8) == "out-line\n")
        #expect(try String(contentsOf: dir.appendingPathComponent("target.stderr"), encoding: .utf8) == "err-line\n")
    }

    @Test func failingTargetExitsOneAndStillWritesResults() throws {
        let dir = TestPaths.temporaryDirectory("fail")
        let r = try CLI.run(["record", "-o", dir.path, "--", "/bin/sh", "-c", "exit 3"])
        #expect(r.status == 1)
        #expect(r.stdout.contains("exit code 3"))
        #expect(FileManager.default.fileExists(atPath: dir.appendingPathComponent("profile.json").path))
    }

    @Test func ctrlCDetachesAndStillWritesResults() throws {
        let dir = TestPaths.temporaryDirectory("sigint")
        let process = Process()
        process.executableURL = TestPaths.flamegate
        let target = try Fixtures.c("ratio").path
        process.arguments = ["record", "-o", dir.path, "--", target, "30000"]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        // interrupted half a second after the target started (loading the
        // probes takes a variable part of a second before it does)
        let deadline = Date().addingTimeInterval(15)
        while Date() < deadline, !Self.running(target) { Thread.sleep(forTimeInterval: 0.02) }
        #expect(Self.running(target), "the target never started")
        Thread.sleep(forTimeInterval: 0.5)
        let start = Date()
        kill(process.processIdentifier, SIGINT)
        process.waitUntilExit()
        #expect(Date().timeIntervalSince(start) < 5)
        let data = try Data(contentsOf: dir.appendingPathComponent("profile.json"))
        let recording = try JSONFormat.decoder().decode(Recording.self, from: data)
        #expect(recording.exit.interrupted)
        #expect((recording.profile("cpu")?.total ?? 0) > 100)
        #expect(FileManager.default.fileExists(atPath: dir.appendingPathComponent("cpu.folded").path))
    }

    /// A process runs `executable` (its /proc/PID/exe).
    static func running(_ executable: String) -> Bool {
        let pids = (try? FileManager.default.contentsOfDirectory(atPath: "/proc"))?.filter { Int($0) != nil } ?? []
        return pids.contains { (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/\($0)/exe")) == executable }
    }

    @Test func badFlagsExitTwoNamingTheFlag() throws {
        let freq = try CLI.run(["record", "--freq", "0", "--", "/bin/true"])
        #expect(freq.status == 2)
        #expect(freq.stderr.contains("--freq"))
        let probe = try CLI.run(["record", "--probes", "cpu,gpu", "--", "/bin/true"])
        #expect(probe.status == 2)
        #expect(probe.stderr.contains("unknown probe 'gpu'"))
        let missing = try CLI.run(["record"])
        #expect(missing.status == 2)
        #expect(missing.stderr.contains("missing command"))
    }

    /// nan, inf and 1e12 used to pass validation and trap (SIGILL) at the
    /// first clock computation, leaving the target running.
    @Test func extremeNumbersExitTwoInOneSentence() throws {
        for (flag, value, expected) in [("--timeout", "nan", "expected a finite number of seconds greater than 0"),
                                        ("--timeout", "inf", "expected a finite number of seconds greater than 0"),
                                        ("--timeout", "1e12", "is too long: expected at most 7 days (604800s)"),
                                        ("--duration", "-inf", "expected a finite number of seconds greater than 0"),
                                        ("--alloc-sample", "1e30KiB", "is too large: expected at most 1TiB"),
                                        ("--top", "-3", "expected 0 to 100000 functions")] {
            let r = try CLI.run(["record", "\(flag)=\(value)", "--", "/bin/true"])
            #expect(r.status == 2, "\(flag) \(value): \(r.stderr)")
            #expect(r.stderr.hasPrefix("flamegate: error: \(flag) "), "\(r.stderr)")
            #expect(r.stderr.contains(expected), "\(flag) \(value): \(r.stderr)")
        }
    }

    @Test func emptyProbeListFailedRecordingAndDurationSayWhatHappened() throws {
        let empty = try CLI.run(["record", "--probes", "", "--", "/bin/true"])
        #expect(empty.status == 2)
        #expect(empty.stderr.hasPrefix("flamegate: error: --probes '': empty; expected a comma-separated list of cpu, "), "\(empty.stderr)")
        // a recording that cannot start leaves no empty output directory behind
        let dir = TestPaths.temporaryDirectory("record-fails").appendingPathComponent("out")
        let missing = try CLI.run(["record", "--quiet", "-o", dir.path, "--", "/nonexistent/program"])
        #expect(missing.status == 2)
        #expect(!FileManager.default.fileExists(atPath: dir.path))
        // --duration ends the target on purpose: not a failure of the target
        let stopped = try CLI.run(["record", "--probes", "cpu", "--quiet", "--duration", "0.5", "-o", dir.path, "--", "/bin/sleep", "30"])
        #expect(stopped.status == 0, "\(stopped.stderr)")
        let failing = try CLI.run(["record", "--probes", "cpu", "--quiet", "--duration", "10", "-o", dir.path, "--", "/bin/false"])
        #expect(failing.status == 1, "a target that fails before the duration ends still exits 1")
    }

    @Test func notExecutableTargetExitsTwo() throws {
        let r = try CLI.run(["record", "--", "/etc/hostname"])
        #expect(r.status == 2)
        #expect(r.stderr.contains("cannot execute '/etc/hostname'"))
        #expect(r.stderr.split(separator: "\n").count == 1, "one clear line: \(r.stderr)")
    }

    /// Without a PMU the pmu probe only degrades beside others: alone, nothing can run.
    @Test func noRunnableProbeNamedExplicitlyExitsTwo() throws {
        let r = try CLI.run(["record", "--probes", "pmu", "--", "/bin/true"])
        if let why = DoctorPMU.unavailable {
            #expect(r.status == 2)
            #expect(r.stderr == "flamegate: error: no probe can run: pmu: hardware PMU unavailable: \(why)\n")
        } else {
            #expect(r.status == 0, "\(r.stderr)")
        }
    }
}
