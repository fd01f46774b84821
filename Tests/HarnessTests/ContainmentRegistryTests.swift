import Foundation
import Testing
@testable import Harness

/// Where no cgroup can be written, a flamegate records its targets' process
/// groups with their start times; the next flamegate kills those of a
/// flamegate that is gone, and leaves alone a pid that now belongs to
/// another process.
@Suite struct ContainmentRegistryTests {
    /// A pid no process holds any more (a child that exited and was reaped).
    static func deadPid() throws -> Int32 {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/true")
        try process.run()
        process.waitUntilExit()
        return process.processIdentifier
    }

    static func heldSleeper() throws -> HeldProcess {
        let held = try HeldProcess(LaunchSpec(command: ["/bin/sleep", "30"]))
        try held.release()
        return held
    }

    static func reaped(_ pid: Int32, timeout: TimeInterval = 3) -> Int32? {
        let deadline = Date().addingTimeInterval(timeout)
        var status: Int32 = 0
        while Date() < deadline {
            if waitpid(pid, &status, WNOHANG) == pid { return status & 0x7f }
            usleep(10_000)
        }
        return nil
    }

    @Test func killsTheGroupsOfAGoneFlamegateOnly() throws {
        let dir = URL(fileURLWithPath: NSTemporaryDirectory()).appendingPathComponent("registry-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let ours = try Self.heldSleeper(), recycled = try Self.heldSleeper()
        let start = try #require(Containment.startTime(ours.pid))
        let other = try #require(Containment.startTime(recycled.pid))
        let owner = try Self.deadPid()
        // `recycled` stands for a pid reused since: its start time differs
        try "\(ours.pid) \(start)\n\(recycled.pid) \(other + 1)\n"
            .write(to: dir.appendingPathComponent("flamegate-targets-\(owner)"), atomically: true, encoding: .utf8)
        // a live owner's registry is not touched
        try "\(recycled.pid) \(other)\n".write(to: dir.appendingPathComponent("flamegate-targets-\(getpid())"),
                                               atomically: true, encoding: .utf8)
        Containment.cleanStale(temporary: dir)
        #expect(Self.reaped(ours.pid) == SIGKILL)
        #expect(Self.reaped(recycled.pid, timeout: 0.3) == nil, "a process that is not ours stays")
        kill(recycled.pid, SIGKILL)
        #expect(Self.reaped(recycled.pid) == SIGKILL)
        let left = try FileManager.default.contentsOfDirectory(atPath: dir.path)
        #expect(left == ["flamegate-targets-\(getpid())"])
    }
}
