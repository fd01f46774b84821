import Analysis
import Foundation
import Model
import Reports
import Testing
import TestSupport

/// `flamegate run --base REF` on a real git repository: the base commit is
/// checked out into a temporary worktree, built and measured interleaved with
/// the change, and the worktree is gone afterwards.
@Suite(.serialized, .enabled(if: Privileges.isRoot && CLI.built && Privileges.hasCommand("git"),
                             "needs root, git and the built binary"))
struct BaseRevisionTests {
    /// A repository whose first commit holds the slowdown target and scenario,
    /// and whose second makes hot_function do 25% more work (the program 20%).
    static let repository: Result<(dir: URL, base: String), Error> = Result {
        let dir = TestPaths.temporaryDirectory("base-repo")
        let scenarios = dir.appendingPathComponent("scenarios")
        try FileManager.default.createDirectory(at: scenarios.appendingPathComponent("targets"),
                                                withIntermediateDirectories: true)
        try FileManager.default.copyItem(at: TestPaths.root.appendingPathComponent("scenarios/targets/slowdown.c"),
                                         to: scenarios.appendingPathComponent("targets/slowdown.c"))
        try """
            name: hot
            build: mkdir -p build && cc -O2 -g -fno-omit-frame-pointer -o build/slowdown targets/slowdown.c
            run: {command: [build/slowdown, --work, "40"], timeout: 30s}
            repetitions: 8
            warmup: 1
            probes: [cpu]
            cpu: {frequency: 1999}

            """.write(to: scenarios.appendingPathComponent("hot.yaml"), atomically: true, encoding: .utf8)
        try "build/\n".write(to: dir.appendingPathComponent(".gitignore"), atomically: true, encoding: .utf8)
        func git(_ args: String...) throws -> String {
            try Command.check(["/usr/bin/env", "git", "-C", dir.path, "-c", "user.name=t", "-c", "user.email=t@t"]
                + args).stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        }
        _ = try git("init", "-q")
        _ = try git("add", "-A")
        _ = try git("commit", "-q", "-m", "base")
        let base = try git("rev-parse", "HEAD")
        let source = scenarios.appendingPathComponent("targets/slowdown.c")
        let text = try String(contentsOf: source, encoding: .utf8)
        let slower = text.replacingOccurrences(of: "(4 * unit *", with: "(5 * unit *")
        #expect(slower != text, "slowdown.c no longer has the line this test edits")
        try slower.write(to: source, atomically: true, encoding: .utf8)
        // a scenario only the change has
        try "name: fresh\nrun: {command: [/bin/true]}\nrepetitions: 3\nwarmup: 0\nprobes: [cpu]\n"
            .write(to: scenarios.appendingPathComponent("fresh.yaml"), atomically: true, encoding: .utf8)
        _ = try git("add", "-A")
        _ = try git("commit", "-q", "-m", "hot_function does more")
        return (dir, base)
    }

    func worktrees(_ dir: URL) throws -> Int {
        try Command.check(["/usr/bin/env", "git", "-C", dir.path, "worktree", "list"]).stdout
            .split(separator: "\n").count
    }

    @Test func slowerCommitFailsNamingTheFunction() throws {
        let (dir, base) = try Self.repository.get()
        let json = TestPaths.temporaryDirectory("base-slower").appendingPathComponent("r.json")
        let r = try CLI.run(["run", dir.appendingPathComponent("scenarios").path, "--base", base,
                             "--baselines", dir.appendingPathComponent("baselines").path, "--json", json.path,
                             "--no-color"])
        #expect(r.status == 1, "\(r.stdout)\n\(r.stderr)")
        let report = try JSONFormat.decoder().decode(RunReport.self, from: Data(contentsOf: json))
        let hot = try #require(report.scenarios.first { $0.name == "hot" })
        #expect(hot.outcome == .regressed)
        #expect(hot.base?.source.hasPrefix(String(base.prefix(12))) == true)
        #expect(hot.base?.file?.hasSuffix("scenarios/hot.yaml") == true && hot.base?.file != hot.run.file)
        #expect(hot.comparison?.functions.first { $0.verdict == .regressed }?.name == "hot_function",
                "\(hot.comparison?.functions.map { "\($0.name) \($0.verdict)" } ?? [])")
        #expect(r.stderr.contains("base side: build:"), "the base tree is built too")
        // the scenario the base does not have: NEW, no baseline to judge it by
        let fresh = try #require(report.scenarios.first { $0.name == "fresh" })
        #expect(fresh.warnings.contains { $0.hasPrefix("NEW:") }, "\(fresh.warnings)")
        #expect(fresh.outcome == .inconclusive)
        #expect(try worktrees(dir) == 1, "the temporary worktree is removed")
        let left = try FileManager.default.contentsOfDirectory(atPath: NSTemporaryDirectory())
            .filter { $0.hasPrefix("flamegate-base-") }
        #expect(left.isEmpty, "\(left)")
    }

    @Test func sameCommitPasses() throws {
        let (dir, _) = try Self.repository.get()
        let r = try CLI.run(["run", dir.appendingPathComponent("scenarios/hot.yaml").path, "--base", "HEAD",
                             "--baselines", dir.appendingPathComponent("baselines").path, "--no-color"])
        #expect(r.status == 0, "\(r.stdout)\n\(r.stderr)")
        #expect(r.stdout.contains("compared with base"), "\(r.stdout)")
        #expect(try worktrees(dir) == 1)
    }

    /// A stored baseline records its commit; on a machine unlike the one
    /// that recorded it, `run` measures that commit here, in pairs, instead of
    /// trusting timings from elsewhere.
    @Test func baselineFromAnotherMachineIsRemeasuredAtItsCommit() throws {
        let (dir, _) = try Self.repository.get()
        let scenario = dir.appendingPathComponent("scenarios/hot.yaml").path
        let baselines = TestPaths.temporaryDirectory("remeasure-baselines")
        let update = try CLI.run(["baseline", "update", scenario, "--baselines", baselines.path, "--repetitions", "3"])
        #expect(update.status == 0, "\(update.stdout)\n\(update.stderr)")
        let file = baselines.appendingPathComponent("hot.json")
        var stored = try JSONFormat.decoder().decode(Baseline.self, from: Data(contentsOf: file))
        let head = try Command.check(["/usr/bin/env", "git", "-C", dir.path, "rev-parse", "HEAD"]).stdout
            .trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(stored.commit == head)
        stored.environment.cpuModel = "a CPU this machine does not have"
        try JSONFormat.encoder().encode(stored).write(to: file)
        let json = baselines.appendingPathComponent("r.json")
        let r = try CLI.run(["run", scenario, "--baselines", baselines.path, "--json", json.path, "--no-color"])
        #expect(r.status == 0, "\(r.stdout)\n\(r.stderr)")
        let report = try JSONFormat.decoder().decode(RunReport.self, from: Data(contentsOf: json)).scenarios[0]
        #expect(report.base?.source.hasPrefix(String(head.prefix(12))) == true, "\(String(describing: report.base))")
        #expect((report.base?.pairs ?? 0) >= 8, "paired with the scenario's own repetitions, not the baseline's 3")
        #expect(report.warnings.first?.contains("recorded on a different machine") == true, "\(report.warnings)")
        #expect(try worktrees(dir) == 1)
    }

    /// The second Ctrl-C used to `_exit` at once, leaving the base worktree
    /// (and the targets) behind; now the exit handlers remove it.
    @Test func secondCtrlCRemovesTheBaseWorktree() throws {
        let (dir, base) = try Self.repository.get()
        let tmp = TestPaths.temporaryDirectory("ctrlc-base")
        var env = ProcessInfo.processInfo.environment
        env["TMPDIR"] = tmp.path
        let before = try worktrees(dir)
        // a target that ignores the first Ctrl-C (untracked: only this test sees it)
        let stubborn = dir.appendingPathComponent("scenarios/stubborn.yaml")
        try "name: stubborn\nrun: {command: [/bin/sh, -c, \"trap '' INT TERM; sleep 30\"]}\nrepetitions: 2\nwarmup: 0\nprobes: [cpu]\n"
            .write(to: stubborn, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: stubborn) }
        let process = try ContainmentTests.Spawned(["run", stubborn.path,
                                                    "--base", base, "--baselines", tmp.appendingPathComponent("none").path],
                                                   environment: env)
        let deadline = Date().addingTimeInterval(60)
        // the base tree is checked out: measuring has begun
        while Date() < deadline, (try? worktrees(dir)) == before
            || !((try? FileManager.default.contentsOfDirectory(atPath: tmp.path)) ?? []).contains(where: { $0.hasPrefix("flamegate-run-") }) {
            Thread.sleep(forTimeInterval: 0.1)
        }
        #expect(try worktrees(dir) == before + 1, "the base worktree exists while measuring")
        Thread.sleep(forTimeInterval: 0.5)
        kill(process.pid, SIGINT)
        Thread.sleep(forTimeInterval: 0.3)
        kill(process.pid, SIGINT)
        #expect(process.wait() == 130)
        #expect(ContainmentTests.running("trap '' INT TERM; sleep 30").isEmpty)
        #expect(try worktrees(dir) == before, "the base worktree is removed")
        let left = try FileManager.default.contentsOfDirectory(atPath: tmp.path).filter { $0.hasPrefix("flamegate-base-") }
        #expect(left.isEmpty, "\(left)")
    }

    @Test func unknownRevisionExitsTwo() throws {
        let (dir, _) = try Self.repository.get()
        let r = try CLI.run(["run", dir.appendingPathComponent("scenarios").path, "--base", "no-such-branch"])
        #expect(r.status == 2)
        #expect(r.stderr.contains("--base no-such-branch: no such commit"), "\(r.stderr)")
        #expect(r.stderr.contains("fetch-depth: 0"))
    }
}
