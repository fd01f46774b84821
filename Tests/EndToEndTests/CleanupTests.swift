import Foundation
import Testing
import TestSupport

/// Nothing of flamegate stays loaded, however it ends, and no target holds
/// one of its BPF or perf descriptors.
@Suite(.serialized, .enabled(if: Privileges.isRoot && CLI.built && Privileges.hasCommand("bpftool"),
                             "needs root, bpftool and the built binary"))
struct CleanupTests {
    /// Ids of the BPF programs and links loaded on the machine right now.
    static func loaded() throws -> Set<String> {
        var ids = Set<String>()
        for kind in ["prog", "link"] {
            let r = try Command.run(["/bin/sh", "-c", "bpftool -j \(kind) show"])
            guard r.status == 0, let data = r.stdout.data(using: .utf8),
                  let list = try JSONSerialization.jsonObject(with: data) as? [[String: Any]] else {
                throw CommandError.failed("bpftool -j \(kind) show", r)
            }
            for entry in list { ids.insert("\(kind) \(entry["id"] ?? "?") \(entry["name"] ?? "")") }
        }
        return ids
    }

    /// Waits (up to 5 s: programs are freed after an RCU grace period) until
    /// no program or link loaded after `before` remains; returns what remains.
    static func leftovers(since before: Set<String>) throws -> Set<String> {
        let deadline = Date().addingTimeInterval(5)
        var left = try loaded().subtracting(before)
        while !left.isEmpty, Date() < deadline {
            Thread.sleep(forTimeInterval: 0.1)
            left = try loaded().subtracting(before)
        }
        return left
    }

    /// What a process's descriptors point at that is a BPF object or a perf event.
    static func bpfOrPerfDescriptors(of pid: Int32) -> [String] {
        let dir = "/proc/\(pid)/fd"
        let fds = (try? FileManager.default.contentsOfDirectory(atPath: dir)) ?? []
        return fds.compactMap { try? FileManager.default.destinationOfSymbolicLink(atPath: "\(dir)/\($0)") }
            .filter { $0.contains("bpf") || $0.contains("perf_event") }
    }

    static func readPid(_ url: URL, timeout: TimeInterval = 10) -> Int32? {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if let text = try? String(contentsOf: url, encoding: .utf8), text.hasSuffix("\n"),
               let pid = Int32(text.trimmingCharacters(in: .whitespacesAndNewlines)) {
                return pid
            }
            Thread.sleep(forTimeInterval: 0.05)
        }
        return nil
    }

    /// Starts `flamegate record` (every probe, alloc in exact mode) on a shell
    /// that writes its pid and its background child's, then sleeps.
    /// (posix_spawn: Foundation's Process would wait for the targets a
    /// SIGKILLed flamegate leaves, which inherit a socket it gave flamegate.)
    static func startRecording(_ dir: URL, allocSample: String) throws -> (ContainmentTests.Spawned, target: Int32?, child: Int32?) {
        let pids = dir.appendingPathComponent("pids")
        let script = "sleep 60 & echo $! > \(pids.path).child; echo $$ > \(pids.path); wait"
        let process = try ContainmentTests.Spawned(["record", "--alloc-sample", allocSample, "--quiet", "-o",
                                                    dir.appendingPathComponent("out").path, "--", "/bin/sh", "-c", script])
        let target = readPid(pids)
        let child = readPid(URL(fileURLWithPath: pids.path + ".child"))
        return (process, target, child)
    }

    @Test(arguments: [("SIGINT", SIGINT), ("SIGTERM", SIGTERM), ("SIGKILL", SIGKILL)])
    func signalledRecordingLeavesNothingLoaded(_ name: String, _ signal: Int32) throws {
        let before = try Self.loaded()
        let dir = TestPaths.temporaryDirectory("cleanup-\(name)")
        let (process, target, child) = try Self.startRecording(dir, allocSample: name == "SIGINT" ? "1" : "512KiB")
        let targetPid = try #require(target, "the target wrote its pid")
        let childPid = try #require(child, "the target's child wrote its pid")
        // while recording: the probes are loaded, the target and its child hold none of them
        let during = try Self.loaded().subtracting(before)
        #expect(!during.isEmpty, "the probes are loaded while recording")
        #expect(Self.bpfOrPerfDescriptors(of: targetPid).isEmpty, "\(Self.bpfOrPerfDescriptors(of: targetPid))")
        #expect(Self.bpfOrPerfDescriptors(of: childPid).isEmpty, "\(Self.bpfOrPerfDescriptors(of: childPid))")
        kill(process.pid, signal)
        let status = process.wait()
        if signal == SIGKILL {
            #expect(status == 128 + SIGKILL)
        } else {
            #expect(status < 128, "\(name) is handled: results written, exit status \(status)")
        }
        // a SIGKILLed flamegate cannot stop its target (the next command does: ContainmentTests); its probes go with it all the same
        kill(-targetPid, SIGKILL)
        kill(childPid, SIGKILL)
        let left = try Self.leftovers(since: before)
        #expect(left.isEmpty, "left loaded after \(name): \(left)")
    }

    @Test func everyOtherEndingLeavesNothingLoaded() throws {
        let dir = TestPaths.temporaryDirectory("cleanup-exits")
        let before = try Self.loaded()
        // normal exit, exact alloc mode
        let ok = try CLI.run(["record", "--alloc-sample", "1", "--quiet", "-o", dir.path, "--", "/bin/true"])
        #expect(ok.status == 0, "\(ok.stderr)")
        #expect(try Self.leftovers(since: before).isEmpty)
        // a target that fails
        let failed = try CLI.run(["record", "--quiet", "-o", dir.path, "--", "/bin/false"])
        #expect(failed.status == 1)
        #expect(try Self.leftovers(since: before).isEmpty)
        // exit 2 once the probes are attached: the command cannot be executed
        let missing = try CLI.run(["record", "--quiet", "-o", dir.path, "--", "/nonexistent/program"])
        #expect(missing.status == 2, "\(missing.stdout)\n\(missing.stderr)")
        #expect(try Self.leftovers(since: before).isEmpty)
        // a failed scenario, and a target that leaves a daemon child running
        let scenario = dir.appendingPathComponent("s.yaml")
        try """
            name: daemonizing
            run:
              command: [/bin/sh, -c, "setsid sleep 30 </dev/null >/dev/null 2>&1 & exit ${FAIL:-0}"]
            repetitions: 3
            warmup: 0
            """.write(to: scenario, atomically: true, encoding: .utf8)
        let baselines = dir.appendingPathComponent("baselines").path
        let update = try CLI.run(["baseline", "update", scenario.path, "--baselines", baselines])
        #expect(update.status == 0, "\(update.stdout)\n\(update.stderr)")
        #expect(try Self.leftovers(since: before).isEmpty)
        var env = ProcessInfo.processInfo.environment
        env["FAIL"] = "4"
        let failing = try CLI.run(["run", scenario.path, "--baselines", baselines], environment: env)
        #expect(failing.status == 1, "\(failing.stdout)\n\(failing.stderr)")
        #expect(try Self.leftovers(since: before).isEmpty)
    }

    /// A reader that goes away (`flamegate run … | head`, a CI step whose log
    /// pipe closed) made the next progress line trap on EPIPE: exit 132, the
    /// scratch directory and a `--base` worktree left behind. Now the run goes
    /// on and ends normally.
    @Test func closedOutputPipeIsNoCrash() throws {
        let dir = TestPaths.temporaryDirectory("epipe")
        let yaml = dir.appendingPathComponent("s.yaml")
        try "name: piped\nrun: {command: [/bin/true]}\nrepetitions: 3\nwarmup: 0\nprobes: [cpu]\n"
            .write(to: yaml, atomically: true, encoding: .utf8)
        let before = Set(try FileManager.default.contentsOfDirectory(atPath: NSTemporaryDirectory()))
        let status = try Command.run(["/bin/bash", "-c", "'\(TestPaths.flamegate.path)' run '\(yaml.path)' --base-env X=1 "
            + "--baselines '\(dir.path)/none' 2>&1 | head -c 1 >/dev/null; echo ${PIPESTATUS[0]}"])
        #expect(status.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == "0", "\(status.stdout) \(status.stderr)")
        let now = Set(try FileManager.default.contentsOfDirectory(atPath: NSTemporaryDirectory()))
        #expect(now.subtracting(before).filter { $0.hasPrefix("flamegate-run-") || $0.hasPrefix("flamegate-base-") }
            .isEmpty)
    }
}
