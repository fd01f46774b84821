import Foundation
import Testing
import TestSupport

/// No target tree outlives flamegate: not after a second Ctrl-C, not after a
/// SIGKILL of flamegate (the next flamegate command kills what is left).
@Suite(.serialized, .enabled(if: Privileges.isRoot && CLI.built, "needs root and the built binary"))
struct ContainmentTests {
    /// A target that ignores SIGINT and SIGTERM, and starts a child in a
    /// session of its own that ignores them too; both write their pids.
    static func stubbornScript(_ dir: URL, marker: String) throws -> URL {
        let script = dir.appendingPathComponent("stubborn.sh")
        try """
            #!/bin/sh
            trap '' INT TERM
            setsid sh -c "trap '' INT TERM; echo \\$\\$ > '\(dir.path)/child.pid'; exec sleep \(marker)" &
            echo $$ > '\(dir.path)/root.pid'
            exec sleep \(marker)
            """.write(to: script, atomically: true, encoding: .utf8)
        chmod(script.path, 0o755)
        return script
    }

    static func readPid(_ url: URL, timeout: TimeInterval = 15) -> Int32? {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if let text = try? String(contentsOf: url, encoding: .utf8), text.hasSuffix("\n"),
               let pid = Int32(text.trimmingCharacters(in: .whitespacesAndNewlines)) { return pid }
            Thread.sleep(forTimeInterval: 0.05)
        }
        return nil
    }

    /// Alive and not a zombie (an orphan's zombie is reaped by PID 1 whenever it gets to it).
    static func alive(_ pid: Int32) -> Bool {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
              let close = stat.lastIndex(of: ")") else { return false }
        return !stat[stat.index(close, offsetBy: 2)...].hasPrefix("Z")
    }

    /// Processes whose command line holds `marker`.
    static func running(_ marker: String) -> [Int32] {
        ((try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []).compactMap { Int32($0) }.filter { pid in
            guard alive(pid), let cmdline = try? Data(contentsOf: URL(fileURLWithPath: "/proc/\(pid)/cmdline")) else { return false }
            return String(decoding: cmdline, as: UTF8.self).contains(marker)
        }
    }

    static func waitGone(_ pids: [Int32], timeout: TimeInterval = 3) -> [Int32] {
        let deadline = Date().addingTimeInterval(timeout)
        var left = pids.filter(alive)
        while !left.isEmpty, Date() < deadline {
            Thread.sleep(forTimeInterval: 0.05)
            left = left.filter(alive)
        }
        return left
    }

    /// flamegate started with posix_spawn and waited for with waitpid:
    /// Foundation's Process waits until every holder of a socket it hands
    /// the child has closed it, and the targets a killed flamegate leaves
    /// behind inherit that socket.
    struct SpawnError: Error { let code: Int32 }

    struct Spawned {
        let pid: pid_t

        init(_ arguments: [String], environment: [String: String]? = nil) throws {
            let argv = ([TestPaths.flamegate.path] + arguments).map { strdup($0) } + [nil]
            let env = (environment ?? ProcessInfo.processInfo.environment).map { strdup("\($0.key)=\($0.value)") } + [nil]
            defer { argv.forEach { free($0) }; env.forEach { free($0) } }
            var actions = posix_spawn_file_actions_t()
            posix_spawn_file_actions_init(&actions)
            defer { posix_spawn_file_actions_destroy(&actions) }
            for fd in Int32(0)...2 { posix_spawn_file_actions_addopen(&actions, fd, "/dev/null", fd == 0 ? O_RDONLY : O_WRONLY, 0) }
            var pid: pid_t = 0
            let rc = posix_spawn(&pid, TestPaths.flamegate.path, &actions, nil, argv, env)
            guard rc == 0 else { throw SpawnError(code: rc) }
            self.pid = pid
        }

        /// The exit status, or 128 + the signal.
        func wait() -> Int32 {
            var status: Int32 = 0
            while waitpid(pid, &status, 0) < 0, errno == EINTR {}
            return status & 0x7f == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
        }
    }

    static func record(_ dir: URL, script: URL) throws -> Spawned {
        try Spawned(["record", "--probes", "cpu", "--quiet", "-o", dir.appendingPathComponent("out").path, "--", script.path])
    }

    static func marker() -> String { "3\(Int.random(in: 100...999)).\(Int.random(in: 100_000...999_999))" }

    /// `flamegate record` of the stubborn script, once both its processes wrote their pids.
    static func recordStubborn(_ label: String) throws -> (dir: URL, marker: String, flamegate: Spawned, root: Int32, child: Int32) {
        let dir = TestPaths.temporaryDirectory(label)
        let marker = Self.marker()
        let process = try Self.record(dir, script: try Self.stubbornScript(dir, marker: marker))
        let root = try #require(Self.readPid(dir.appendingPathComponent("root.pid")))
        let child = try #require(Self.readPid(dir.appendingPathComponent("child.pid")))
        return (dir, marker, process, root, child)
    }

    @Test func secondCtrlCKillsATreeThatIgnoresIt() throws {
        let (_, marker, process, root, child) = try Self.recordStubborn("double-sigint")
        kill(process.pid, SIGINT)
        Thread.sleep(forTimeInterval: 0.3)
        kill(process.pid, SIGINT)
        #expect(process.wait() == 130)
        #expect(Self.waitGone([root, child]).isEmpty, "left running: \(Self.running(marker))")
    }

    @Test func whatAKilledFlamegateLeftIsKilledByTheNextCommand() throws {
        let (dir, marker, process, root, child) = try Self.recordStubborn("sigkill-next")
        kill(process.pid, SIGKILL)
        #expect(process.wait() == 128 + SIGKILL)
        #expect(Self.alive(root) && Self.alive(child), "nothing can stop them while no flamegate runs")
        let next = try CLI.run(["record", "--probes", "cpu", "--quiet", "-o", dir.appendingPathComponent("next").path, "--", "/bin/true"])
        #expect(next.status == 0, "\(next.stderr)")
        #expect(Self.waitGone([root, child]).isEmpty, "left running: \(Self.running(marker))")
        #expect(Self.staleCgroups().isEmpty, "\(Self.staleCgroups())")
    }

    /// The acceptance of the hardening issue: 40 SIGKILLs of `baseline
    /// update` at random moments (loading, building, attaching, measuring);
    /// once the next flamegate command has started, no target process and
    /// no scratch file of the killed ones remains.
    @Test func fortyRandomKillsLeaveNoTargetAndNoScratch() throws {
        let dir = TestPaths.temporaryDirectory("forty-kills")
        let tmp = dir.appendingPathComponent("tmp")
        try FileManager.default.createDirectory(at: tmp, withIntermediateDirectories: true)
        let marker = Self.marker()
        let scenario = dir.appendingPathComponent("s.yaml")
        try """
            name: stubborn
            build: "true"
            run:
              command: [/bin/sh, -c, "trap '' INT TERM; setsid sleep \(marker) </dev/null >/dev/null 2>&1 & sleep 0.2"]
            repetitions: 3
            warmup: 0
            probes: [cpu]
            """.write(to: scenario, atomically: true, encoding: .utf8)
        var env = ProcessInfo.processInfo.environment
        env["TMPDIR"] = tmp.path
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<40 {
            let process = try Spawned(["baseline", "update", scenario.path, "--baselines", dir.appendingPathComponent("baselines").path],
                                      environment: env)
            Thread.sleep(forTimeInterval: Double.random(in: 0.05...1.6, using: &generator))
            kill(process.pid, SIGKILL)
            _ = process.wait()
        }
        let next = try CLI.run(["baseline", "update", scenario.path, "--baselines", dir.appendingPathComponent("baselines").path],
                               environment: env)
        #expect(next.status == 0, "\(next.stdout)\n\(next.stderr)")
        #expect(Self.waitGone(Self.running(marker)).isEmpty, "left running: \(Self.running(marker))")
        let scratch = try FileManager.default.contentsOfDirectory(atPath: tmp.path).filter { $0.hasPrefix("flamegate-") }
        #expect(scratch.isEmpty, "\(scratch)")
        #expect(Self.staleCgroups().isEmpty, "\(Self.staleCgroups())")
    }

    /// flamegate cgroups of processes that are gone.
    static func staleCgroups() -> [String] {
        let base = "/sys/fs/cgroup/unified"
        return ((try? FileManager.default.contentsOfDirectory(atPath: base)) ?? []).filter { name in
            guard name.hasPrefix("flamegate-"), let pid = Int32(name.dropFirst(10)) else { return false }
            return kill(pid, 0) != 0
        }
    }
}
