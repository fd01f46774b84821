import Foundation
import Model
import Testing
import TestSupport
@testable import Harness

/// Launching, timeouts and exit statuses.
@Suite(.serialized, .enabled(if: Privileges.isRoot, "needs root to load BPF programs (CI runs as root)"))
struct LaunchTests {
    @Test func timeoutKillsTheWholeTree() throws {
        let marker = "flamegate-timeout-\(getpid())"
        let start = Date()
        let r = try Rec.record(["/bin/bash", "-c", "sleep 30 & exec -a \(marker) sleep 31"], timeout: 0.5)
        #expect(Date().timeIntervalSince(start) < 5)
        #expect(r.exit.timedOut)
        #expect(r.exit.signal == SIGKILL)
        let left = try Command.run(["/usr/bin/pgrep", "-f", marker])
        #expect(left.status != 0, "no process of the tree survives: \(left.stdout)")
        #expect(r.processes.count >= 2, "the background sleep was tracked")
        #expect(r.processes.allSatisfy { $0.endSeconds != nil })
    }

    @Test func exitCodeAndSignalAreReported() throws {
        #expect(try Rec.record(["/bin/sh", "-c", "exit 7"]).exit.code == 7)
        let killed = try Rec.record(["/bin/sh", "-c", "kill -TERM $$"])
        #expect(killed.exit.signal == SIGTERM)
        #expect(killed.exit.code == nil)
    }

    @Test func leftoverChildrenAreKilledWhenTheRootExits() throws {
        let marker = "flamegate-orphan-\(getpid())"
        let r = try Rec.record(["/bin/bash", "-c", "(exec -a \(marker) sleep 30) & exit 0"])
        #expect(r.exit.code == 0)
        #expect(try Command.run(["/usr/bin/pgrep", "-f", marker]).status != 0)
    }

    @Test func wallTimeComesFromTheExitEvent() throws {
        let r = try Rec.record(["/bin/sleep", "0.3"])
        #expect(r.usage.wallSeconds >= 0.3 && r.usage.wallSeconds < 0.45, "\(r.usage.wallSeconds)")
    }

    @Test func notExecutableIsAClearError() throws {
        let dir = TestPaths.temporaryDirectory("noexec")
        let file = dir.appendingPathComponent("script")
        try "echo hi".write(to: file, atomically: true, encoding: .utf8)
        #expect(throws: HarnessError.notExecutable(file.path, reason: "permission denied (not executable)")) {
            try Rec.record([file.path])
        }
        #expect(throws: HarnessError.commandNotFound("no-such-command-xyz")) {
            try Rec.record(["no-such-command-xyz"])
        }
    }

    @Test func execFailureInTheChildIsReported() throws {
        // executable bit set but not a valid program: execve itself fails with ENOEXEC
        let dir = TestPaths.temporaryDirectory("badexec")
        let file = dir.appendingPathComponent("garbage")
        try Data([0x7f, 0x45, 0x4c, 0x46, 0, 0, 0]).write(to: file)
        chmod(file.path, 0o755)
        #expect(throws: HarnessError.self) { try Rec.record([file.path]) }
    }
}
