import Analysis
import Foundation
import Model
import Reports
import Testing
import TestSupport

/// `flamegate run`, `baseline update`, `compare`, `merge` end to end.
@Suite(.serialized, .enabled(if: Privileges.isRoot && CLI.built, "needs root and the built binary"))
struct GateCommandTests {
    /// A scratch copy of the slowdown scenario with its target, measured
    /// `repetitions` times per side.
    static func workspace(_ label: String, repetitions: Int = 10) throws -> URL {
        let dir = TestPaths.temporaryDirectory(label)
        let scenarios = dir.appendingPathComponent("scenarios")
        try FileManager.default.createDirectory(at: scenarios.appendingPathComponent("targets"),
                                                withIntermediateDirectories: true)
        for file in ["slowdown.yaml", "targets/slowdown.c"] {
            try FileManager.default.copyItem(at: TestPaths.root.appendingPathComponent("scenarios/\(file)"),
                                             to: scenarios.appendingPathComponent(file))
        }
        let yaml = scenarios.appendingPathComponent("slowdown.yaml")
        let text = try String(contentsOf: yaml, encoding: .utf8)
        try text.replacingOccurrences(of: "repetitions: 10\n", with: "repetitions: \(repetitions)\n")
            .write(to: yaml, atomically: true, encoding: .utf8)
        return dir
    }

    static func decode(_ url: URL) throws -> RunReport {
        try JSONFormat.decoder().decode(RunReport.self, from: Data(contentsOf: url))
    }

    /// A stored baseline, then the change judged against the base measured in
    /// the same run (`--base-env`): SLOWDOWN=10 makes the whole program 8%
    /// slower against a 5% threshold. Against a stored baseline half a minute
    /// old the same program drifted by 1-2% on a shared VM, and up to +30%
    /// when a neighbour was busy, so the small change is judged
    /// in pairs, where the drift touches both sides; the stored baseline is
    /// checked with a change no drift explains (SLOWDOWN=60: +48%).
    @Test func tenPercentSlowerHotFunctionIsNamedAndFailsTheGate() throws {
        let dir = try Self.workspace("gate", repetitions: 10)
        let scenario = dir.appendingPathComponent("scenarios/slowdown.yaml").path
        let baselines = dir.appendingPathComponent("baselines").path
        let update = try CLI.run(["baseline", "update", scenario, "--baselines", baselines])
        #expect(update.status == 0, "\(update.stdout)\n\(update.stderr)")
        let stored = try JSONFormat.decoder().decode(
            Baseline.self, from: Data(contentsOf: URL(fileURLWithPath: baselines + "/slowdown.json")))
        #expect(stored.sizes.first?.runs.count == 10)
        // the baseline says which machine measured it: this one
        #expect(stored.environment.cores == ProcessInfo.processInfo.activeProcessorCount)
        #expect(stored.environment.kernel == (try? String(contentsOfFile: "/proc/sys/kernel/osrelease",
                                                          encoding: .utf8))?.trimmingCharacters(in: .whitespacesAndNewlines))

        var env = ProcessInfo.processInfo.environment
        env["SLOWDOWN"] = "60"
        let large = try CLI.run(["run", scenario, "--baselines", baselines, "--no-color"], environment: env)
        #expect(large.status == 1, "\(large.stdout)\n\(large.stderr)")
        #expect(large.stdout.contains("REGRESSED  slowdown") && large.stdout.contains("hot_function"))

        env["SLOWDOWN"] = "0"
        let same = dir.appendingPathComponent("same.json").path
        let pass = try CLI.run(["run", scenario, "--base-env", "SLOWDOWN=0", "--baselines", baselines, "--json", same],
                               environment: env)
        #expect(pass.status == 0, "\(pass.stdout)\n\(pass.stderr)")
        let aa = try Self.decode(URL(fileURLWithPath: same)).scenarios[0]
        #expect(aa.base?.source == "environment SLOWDOWN=0" && (aa.base?.pairs ?? 0) >= 10)
        #expect(aa.comparison?.metrics.first { $0.metric == "wall_time" }?.comparison?.paired == true)
        #expect(aa.comparison?.metrics.first { $0.metric == "wall_time" }?.verdict != .regressed)
        #expect(aa.comparison?.functions.allSatisfy { $0.verdict != .regressed } == true)

        env["SLOWDOWN"] = "10"
        let slower = dir.appendingPathComponent("slower.json").path
        let junit = dir.appendingPathComponent("junit.xml").path
        let markdown = dir.appendingPathComponent("summary.md").path
        let summary = dir.appendingPathComponent("step-summary.md").path
        env["GITHUB_STEP_SUMMARY"] = summary
        let fail = try CLI.run(["run", scenario, "--base-env", "SLOWDOWN=0", "--baselines", baselines, "--json", slower,
                                "--junit", junit, "--markdown", markdown], environment: env)
        #expect(fail.status == 1, "\(fail.stdout)\n\(fail.stderr)")
        #expect(fail.stdout.contains("REGRESSED"))
        #expect(fail.stdout.contains("hot_function"))
        #expect(fail.stdout.contains("compared with base environment SLOWDOWN=0"), "\(fail.stdout)")
        let report = try Self.decode(URL(fileURLWithPath: slower)).scenarios[0]
        #expect(report.outcome == .regressed)
        let wall = try #require(report.comparison?.metrics.first { $0.metric == "wall_time" })
        let wallRatio = try #require(wall.comparison)
        // The scenario stops at the first look that decides it, often on
        // hot_function's time or cpu_time. There, wall time's interval (±2-3% at 10
        // pairs on this VM) does not always clear 5% for an 8% change: it may
        // straddle the threshold (INCONCLUSIVE), but it must see the program
        // slower, and by about what the change adds (×1.08 measured without
        // flamegate).
        #expect(wall.verdict == .regressed || (wall.verdict == .inconclusive && wallRatio.ciLower > 1),
                "wall \(wall.verdict) ×\(wallRatio.ratio) [\(wallRatio.ciLower), \(wallRatio.ciUpper)]")
        #expect((1.04...1.13).contains(wallRatio.ratio), "wall ratio \(wallRatio.ratio)")
        // the base's runs are the comparison's baseline side, pair for pair
        #expect(wall.comparison?.nBaseline == wall.comparison?.nCurrent)
        let hot = try #require(report.comparison?.functions.first { $0.name == "hot_function" })
        #expect(hot.verdict == .regressed)
        #expect(hot.deltaSeconds > 0)
        #expect(report.comparison?.functions.filter { $0.verdict == .regressed }.map(\.name) == ["hot_function"])
        #expect(try String(contentsOfFile: junit, encoding: .utf8).contains("<failure"))
        #expect(try String(contentsOfFile: markdown, encoding: .utf8).contains("hot_function"))
        #expect(try String(contentsOfFile: summary, encoding: .utf8) == String(contentsOfFile: markdown, encoding: .utf8))

        // offline: the same judgement from the two saved files
        let compare = try CLI.run(["compare", same, slower])
        #expect(compare.status == 1)
        #expect(compare.stdout.contains("hot_function"))
    }
}

/// What must exit 2 (or 1) with a clear message and leave no files behind.
@Suite(.serialized, .enabled(if: Privileges.isRoot && CLI.built, "needs root and the built binary"))
struct GateErrorTests {
    func scenario(_ yaml: String, in dir: URL, name: String = "s.yaml") throws -> String {
        let url = dir.appendingPathComponent(name)
        try yaml.write(to: url, atomically: true, encoding: .utf8)
        return url.path
    }

    @Test func malformedYAMLExitsTwoWithPosition() throws {
        let dir = TestPaths.temporaryDirectory("bad-yaml")
        let file = try scenario("name: x\nrun:\n  command: [/bin/true]\n  timeout: soon\n", in: dir)
        let json = dir.appendingPathComponent("out.json").path
        let r = try CLI.run(["run", file, "--json", json])
        #expect(r.status == 2)
        #expect(r.stderr.contains("\(file):4:12: 'soon' is not a duration"), "\(r.stderr)")
        #expect(!FileManager.default.fileExists(atPath: json))
    }

    @Test func unreadableOrForeignResultsFilesExitTwoNamingTheFile() throws {
        let dir = TestPaths.temporaryDirectory("bad-results")
        let missing = dir.appendingPathComponent("missing.json").path
        let merged = try CLI.run(["merge", missing])
        #expect(merged.status == 2)
        #expect(merged.stderr.contains("flamegate: error: \(missing): cannot read the results file"), "\(merged.stderr)")
        let foreign = dir.appendingPathComponent("package.json")
        try #"{"name": "left-pad"}"#.write(to: foreign, atomically: true, encoding: .utf8)
        let compared = try CLI.run(["compare", foreign.path, foreign.path])
        #expect(compared.status == 2)
        #expect(compared.stderr.contains("\(foreign.path): not a flamegate results file"), "\(compared.stderr)")
    }

    @Test func unknownKeyExitsTwo() throws {
        let dir = TestPaths.temporaryDirectory("unknown-key")
        let file = try scenario("name: x\nrun: {command: [/bin/true]}\nrepetitons: 3\n", in: dir)
        let r = try CLI.run(["run", file])
        #expect(r.status == 2)
        #expect(r.stderr.contains("\(file):3:1: unknown key 'repetitons'"))
    }

    @Test func missingBaselineExitsTwoBeforeRunning() throws {
        let dir = TestPaths.temporaryDirectory("no-baseline")
        let file = try scenario("name: lonely\nrun: {command: [/bin/true]}\n", in: dir)
        let json = dir.appendingPathComponent("out.json").path
        let r = try CLI.run(["run", file, "--baselines", dir.appendingPathComponent("baselines").path, "--json", json])
        #expect(r.status == 2)
        #expect(r.stderr.contains("no baseline for scenario 'lonely'"))
        #expect(r.stderr.contains("flamegate baseline update"))
        #expect(!FileManager.default.fileExists(atPath: json))
    }

    @Test func corruptBaselineExitsTwo() throws {
        let dir = TestPaths.temporaryDirectory("corrupt")
        let file = try scenario("name: broken\nrun: {command: [/bin/true]}\n", in: dir)
        let baselines = dir.appendingPathComponent("baselines")
        try FileManager.default.createDirectory(at: baselines, withIntermediateDirectories: true)
        try "{\"schemaVersion\": 1, \"scenario\": \"broken\", \"sizes\": [".write(
            to: baselines.appendingPathComponent("broken.json"), atomically: true, encoding: .utf8)
        let r = try CLI.run(["run", file, "--baselines", baselines.path])
        #expect(r.status == 2)
        #expect(r.stderr.contains("broken.json: not a valid baseline"), "\(r.stderr)")
    }

    @Test func timeoutAndBadExitFailTheScenario() throws {
        let dir = TestPaths.temporaryDirectory("failing")
        _ = try scenario("name: sleepy\nrun: {command: [/bin/sleep, '5'], timeout: 300ms}\nrepetitions: 2\nwarmup: 0\n",
                         in: dir, name: "a.yaml")
        _ = try scenario("name: crashy\nrun: {command: [/bin/sh, -c, 'echo \"it <broke> & died\" >&2; exit 3']}\n"
                            + "repetitions: 2\nwarmup: 0\n", in: dir, name: "b.yaml")
        _ = try scenario("name: noexec\nrun: {command: [/etc/hostname]}\nrepetitions: 2\nwarmup: 0\n", in: dir,
                         name: "c.yaml")
        let baselines = dir.appendingPathComponent("baselines").path
        let update = try CLI.run(["baseline", "update", dir.path, "--baselines", baselines])
        #expect(update.status == 1)
        #expect(update.stdout.contains("not updated: sleepy: run 1 timed out after 300ms"))
        #expect(update.stdout.contains("not updated: crashy: run 1 ended with exit code 3 (expected exit code 0)"))
        #expect(update.stdout.contains("it <broke> & died"))
        #expect(update.stdout.contains("cannot execute '/etc/hostname'"))
        #expect(!FileManager.default.fileExists(atPath: baselines + "/crashy.json"), "no partial baseline")
    }

    @Test func shardsCoverEveryScenarioOnceAndMergeIntoOneVerdict() throws {
        let dir = TestPaths.temporaryDirectory("shards")
        let names = (1...6).map { "tiny-\($0)" }
        for name in names {
            _ = try scenario("name: \(name)\nrun: {command: [/bin/true]}\nrepetitions: 3\nwarmup: 0\nprobes: [cpu]\n",
                             in: dir, name: "\(name).yaml")
        }
        let baselines = dir.appendingPathComponent("baselines").path
        #expect(try CLI.run(["baseline", "update", dir.path, "--baselines", baselines]).status == 0)
        var parts: [String] = []
        var covered: [String] = []
        for k in 1...2 {
            let json = dir.appendingPathComponent("shard-\(k).json").path
            let r = try CLI.run(["run", dir.path, "--baselines", baselines, "--shard", "\(k)/2", "--json", json])
            #expect(r.status == 0, "\(r.stdout)\n\(r.stderr)")
            let report = try GateCommandTests.decode(URL(fileURLWithPath: json))
            #expect(report.shard == "\(k)/2")
            covered += report.scenarios.map(\.name)
            parts.append(json)
        }
        #expect(covered.sorted() == names.sorted(), "every scenario in exactly one shard")
        let merged = dir.appendingPathComponent("merged.json").path
        let r = try CLI.run(["merge"] + parts + ["--json", merged])
        #expect(r.status == 0, "\(r.stderr)")
        let report = try GateCommandTests.decode(URL(fileURLWithPath: merged))
        #expect(report.scenarios.map(\.name) == names.sorted())
        #expect(report.shard == nil)
        let twice = try CLI.run(["merge", parts[0], parts[0]])
        #expect(twice.status == 2)
        #expect(twice.stderr.contains("shard 1/2 is given twice"))
        // one shard alone used to pass: the other shard's scenarios were never judged
        let alone = try CLI.run(["merge", parts[0]])
        #expect(alone.status == 2)
        #expect(alone.stderr == "flamegate: error: missing shard 2/2: the verdict needs the results of every shard (got 1 of 2)\n")
        let partial = try CLI.run(["compare", merged, parts[1]])
        #expect(partial.status == 2, "\(partial.stdout)")
        #expect(partial.stderr.contains("has no results for"), "\(partial.stderr)")
    }

    /// A sweep that grew since its baseline was recorded used to end
    /// INCONCLUSIVE with exit 0; it is an error that says to update it.
    @Test func baselineWithoutTheScenariosSizesExitsTwo() throws {
        let dir = TestPaths.temporaryDirectory("sizes-grew")
        let yaml = "name: sweep\nrun: {command: [/bin/sh, -c, \"true {size}\"]}\nrepetitions: 2\nwarmup: 0\nprobes: [cpu]\n"
        let file = try scenario(yaml + "sizes: [1, 2]\n", in: dir, name: "sweep.yaml")
        let baselines = dir.appendingPathComponent("baselines").path
        #expect(try CLI.run(["baseline", "update", file, "--baselines", baselines]).status == 0)
        _ = try scenario(yaml + "sizes: [1, 2, 4, 8]\n", in: dir, name: "sweep.yaml")
        let r = try CLI.run(["run", file, "--baselines", baselines])
        #expect(r.status == 2, "\(r.stdout)")
        #expect(r.stderr == "flamegate: error: \(baselines)/sweep.json has no measurements for sizes 4, 8 of scenario 'sweep': "
            + "its sizes changed since the baseline was recorded; run `flamegate baseline update` for it\n")
        // a directory where the baseline file should be, and a file given as --baselines
        try FileManager.default.removeItem(atPath: "\(baselines)/sweep.json")
        try FileManager.default.createDirectory(atPath: "\(baselines)/sweep.json", withIntermediateDirectories: true)
        let directory = try CLI.run(["run", file, "--baselines", baselines])
        #expect(directory.status == 2)
        #expect(directory.stderr.contains("is a directory, not a baseline file"), "\(directory.stderr)")
        let notDir = try CLI.run(["run", file, "--baselines", file])
        #expect(notDir.status == 2)
        #expect(notDir.stderr.contains("--baselines \(file): is a file"), "\(notDir.stderr)")
    }

    /// A `cwd:` that does not exist used to abort the whole suite with "perf_event_open
    /// of the mapping tracker … No such process", losing the reports of the
    /// scenarios already measured; absolute `cwd:`/`stdin:` were joined to the
    /// scenario directory.
    @Test func badCwdFailsItsScenarioOnlyAndAbsolutePathsWork() throws {
        let dir = TestPaths.temporaryDirectory("cwd")
        let common = "repetitions: 2\nwarmup: 0\nprobes: [cpu]\n"
        _ = try scenario("name: a-fine\nrun: {command: [/bin/true]}\n" + common, in: dir, name: "a.yaml")
        _ = try scenario("name: b-nodir\nrun: {command: [/bin/true], cwd: nodir}\n" + common, in: dir, name: "b.yaml")
        _ = try scenario("""
            name: c-absolute
            run:
              command: [/bin/sh, -c, 'test "$(pwd)" = /tmp && read line && test "$line" = hello']
              cwd: /tmp
              stdin: \(dir.path)/input.txt
            """ + "\n" + common, in: dir, name: "c.yaml")
        try "hello\n".write(to: dir.appendingPathComponent("input.txt"), atomically: true, encoding: .utf8)
        let json = dir.appendingPathComponent("out.json").path
        let r = try CLI.run(["run", dir.path, "--base-env", "X=1", "--json", json])
        #expect(r.status == 1, "\(r.stdout)\n\(r.stderr)")
        let report = try GateCommandTests.decode(URL(fileURLWithPath: json))
        let outcomes = Dictionary(uniqueKeysWithValues: report.scenarios.map { ($0.name, $0.outcome) })
        #expect(outcomes.count == 3, "every scenario reported: \(outcomes)")
        #expect(outcomes["a-fine"] != .failed, "\(r.stdout)")
        #expect(outcomes["b-nodir"] == .failed && outcomes["c-absolute"] != .failed, "\(outcomes)")
        let failure = report.scenarios.first { $0.name == "b-nodir" }?.run.failure?.message ?? ""
        #expect(failure.contains("working directory \(dir.path)/nodir: No such file or directory"), "\(failure)")
    }

    @Test func badShardExitsTwo() throws {
        let r = try CLI.run(["run", "--shard", "3/2"])
        #expect(r.status == 2)
        #expect(r.stderr.contains("--shard 3/2"))
    }
}
