import Foundation
import Model
import Testing
import TestSupport
@testable import Harness

/// Scenario files: every key of the schema (Scenarios.md), and errors with file:line:column.
@Suite struct ScenarioLoaderTests {
    func write(_ yaml: String, name: String = "s.yaml") throws -> URL {
        let url = TestPaths.temporaryDirectory("scenario").appendingPathComponent(name)
        try yaml.write(to: url, atomically: true, encoding: .utf8)
        return url
    }

    func error(_ yaml: String) throws -> ScenarioFileError {
        let url = try write(yaml)
        do {
            _ = try ScenarioLoader.load(url)
        } catch let e as ScenarioFileError {
            #expect(e.file == url.path)
            return e
        }
        Issue.record("expected an error for:\n\(yaml)")
        return ScenarioFileError(file: "", message: "")
    }

    @Test func fullScenarioParses() throws {
        let url = try write("""
            name: parse-request
            description: request parsing stays linear in the number of items
            build: cc -O2 -g -fno-omit-frame-pointer -o build/parse targets/parse.c
            run:
              command: [build/parse, --items, "{size}"]
              env: {MALLOC_ARENA_MAX: "2"}
              cwd: .
              stdin: null
              timeout: 30s
              expect_exit: 0
            repetitions: 10
            warmup: 1
            sizes: [1000, 2000, 4000, 8000, 16000]
            probes: [cpu, offcpu, alloc, io, sched, pmu]
            cpu: {frequency: 499}
            alloc: {library: libc, sample_every: 1}
            thresholds:
              wall_time: 5%
              cpu_time: 5%
              function_share: 2pp
              leaked_bytes: 0
              complexity_exponent: 1.3
              io_p99: 10%
              busy_poll: fail
            """)
        let s = try ScenarioLoader.load(url).scenario
        #expect(s.name == "parse-request")
        #expect(s.build?.hasPrefix("cc -O2") == true)
        #expect(s.run.command == ["build/parse", "--items", "{size}"])
        #expect(s.run.env == ["MALLOC_ARENA_MAX": "2"])
        #expect(s.run.timeoutSeconds == 30)
        #expect(s.run.stdin == nil)
        #expect(s.sizes == [1000, 2000, 4000, 8000, 16000])
        #expect(s.probes == ProbeName.allCases)
        #expect(s.cpu.frequency == 499)
        #expect(s.thresholds.wallTime == 0.05)
        #expect(s.thresholds.functionSharePoints == 2)
        #expect(s.thresholds.busyPoll == .fail)
        #expect(s.command(size: 4000) == ["build/parse", "--items", "4000"])
    }

    @Test func defaultsApply() throws {
        let s = try ScenarioLoader.load(try write("name: x\nrun: {command: [/bin/true]}\n")).scenario
        #expect(s.repetitions == 10)
        #expect(s.warmup == 1)
        #expect(s.run.timeoutSeconds == 60)
        #expect(s.run.expectExit == 0)
        #expect(s.probes == nil)
        #expect(s.thresholds == Thresholds())
    }

    @Test func roundTripsThroughJSON() throws {
        let s = try ScenarioLoader.load(try write("""
            name: x
            run: {command: [a, "{size}"], timeout: 1500ms}
            sizes: [1, 10]
            thresholds: {wall_time: 2.5%, function_share: 1pp, leaked_bytes: 1MiB, busy_poll: warn}
            """)).scenario
        let back = try JSONDecoder().decode(Scenario.self, from: try JSONEncoder().encode(s))
        #expect(back == s)
        #expect(back.run.timeoutSeconds == 1.5)
        #expect(back.thresholds.leakedBytes == 1 << 20)
    }

    @Test func unknownKeyNamesLineAndColumn() throws {
        let e = try error("name: x\nrun:\n  command: [a]\n  timeuot: 3s\n")
        #expect(e.line == 4)
        #expect(e.column == 3)
        #expect(e.message.contains("unknown key 'timeuot' in run"))
        #expect(e.description.hasSuffix("s.yaml:4:3: \(e.message)"))
    }

    @Test func unknownTopLevelKey() throws {
        let e = try error("name: x\nrun: {command: [a]}\nrepetition: 5\n")
        #expect(e.line == 3 && e.column == 1)
        #expect(e.message.contains("'repetition'"))
    }

    @Test func badDuration() throws {
        let e = try error("name: x\nrun:\n  command: [a]\n  timeout: 30 seconds\n")
        #expect(e.line == 4)
        #expect(e.column == 12)
        #expect(e.message == "'30 seconds' is not a duration like 30s, 500ms or 2m")
        let bare = try error("name: x\nrun:\n  command: [a]\n  timeout: 30\n")
        #expect(bare.message.contains("duration"))
    }

    @Test func emptyCommand() throws {
        let e = try error("name: x\nrun:\n  command: []\n")
        #expect(e.line == 3)
        #expect(e.message.contains("empty"))
        #expect(try error("name: x\nrun:\n  command: [\"\"]\n").message.contains("empty"))
    }

    @Test func sizesWithoutPlaceholder() throws {
        let e = try error("name: x\nrun: {command: [a]}\nsizes: [1, 2]\n")
        #expect(e.line == 3)
        #expect(e.message.contains("{size}"))
        let other = try error("name: x\nrun: {command: [a, \"{size}\"]}\n")
        #expect(other.message.contains("no 'sizes'"))
    }

    @Test func badValues() throws {
        #expect(try error("name: x\nrun: {command: [a]}\nrepetitions: ten\n").message.contains("integer"))
        #expect(try error("name: x\nrun: {command: [a]}\nrepetitions: 1\n").message.contains("out of range"))
        #expect(try error("name: x\nrun: {command: [a]}\nprobes: [cpu, gpu]\n").message.contains("unknown probe 'gpu'"))
        #expect(try error("name: x\nrun: {command: [a]}\nprobes: []\n").message.hasPrefix("is empty: name at least one probe"))
        #expect(try error("name: x\nrun: {command: [a]}\nthresholds: {wall_time: 5}\n").message.contains("percentage"))
        #expect(try error("name: x\nrun: {command: [a]}\nthresholds: {busy_poll: maybe}\n").message.contains("fail, warn, off"))
        #expect(try error("name: 'a b'\nrun: {command: [a]}\n").message.contains("not a valid name"))
        #expect(try error("run: {command: [a]}\n").message.contains("missing key 'name'"))
        #expect(try error("name: x\n").message.contains("missing key 'run'"))
        #expect(try error("name: x\nrun: {command: [a, \"${NO_SUCH_VAR_FG}\"]}\n").message.contains("NO_SUCH_VAR_FG"))
    }

    /// Numbers that used to trap at the first run (a 1e12 s timeout overflowed
    /// the nanosecond clock; 1e30KiB overflowed UInt64) are refused at load.
    @Test func extremeNumbersAreRefusedWithTheirLine() throws {
        let timeout = try error("name: x\nrun:\n  command: [a]\n  timeout: 1e12s\n")
        #expect(timeout.line == 4)
        #expect(timeout.message == "1000000000000s is too long: expected at most 7 days (604800s)")
        let nan = try error("name: x\nrun:\n  command: [a]\n  timeout: .nans\n")
        #expect(nan.message.contains("is not a duration"))
        let sample = try error("name: x\nrun: {command: [a]}\nalloc: {sample_every: 1e30KiB}\n")
        #expect(sample.line == 3)
        #expect(sample.message == "is too large: expected at most 1TiB")
        #expect(try error("name: x\nrun: {command: [a]}\nalloc: {sample_every: 0}\n").message == "must be at least 1 byte")
        let week = try write("name: x\nrun:\n  command: [a]\n  timeout: 168h\n")
        #expect(try ScenarioLoader.load(week).scenario.run.timeoutSeconds == 604_800)
    }

    @Test func duplicateKeyBinaryAndHugeFilesAreOneSentence() throws {
        let dup = try error("name: x\nrun:\n  command: [a]\n  timeout: 1s\n  timeout: 2s\n")
        #expect(dup.line == 5 && dup.column == 3)
        #expect(dup.message == "duplicate key 'timeout': each key may appear once in a mapping")
        let url = TestPaths.temporaryDirectory("scenario").appendingPathComponent("garbage.yaml")
        try Data([0x7f, 0x45, 0x4c, 0x46, 0x02, 0x01, 0x00, 0xff, 0xfe]).write(to: url)
        #expect(throws: ScenarioFileError.self) { try ScenarioLoader.load(url) }
        do { _ = try ScenarioLoader.load(url) } catch let e as ScenarioFileError {
            #expect(e.message == "is not UTF-8 text (a binary file?); expected a YAML scenario")
        }
        let items = String(repeating: "  - 1\n", count: 200_000)
        let huge = try error("name: x\nrun: {command: [a]}\nsizes:\n" + items)
        #expect(huge.message.hasSuffix("a scenario file is expected to be under 1 MiB"))
    }

    @Test func wrongTypeIsLocated() throws {
        let e = try error("name: x\nrun: just-a-string\n")
        #expect(e.line == 2)
        #expect(e.message.contains("mapping"))
    }

    @Test func yamlSyntaxError() throws {
        let e = try error("name: x\nrun: {command: [a\n")
        #expect(e.line != nil)
        #expect(e.message.hasPrefix("YAML syntax error"))
    }

    @Test func emptyFile() throws {
        #expect(try error("").message.contains("empty"))
    }

    @Test func duplicateNamesAcrossFiles() throws {
        let dir = TestPaths.temporaryDirectory("dups")
        for f in ["a.yaml", "b.yml"] {
            try "name: same\nrun: {command: [a]}\n".write(to: dir.appendingPathComponent(f), atomically: true, encoding: .utf8)
        }
        #expect(throws: ScenarioFileError.self) { try ScenarioLoader.loadAll([dir.path]) }
    }

    @Test func discoverySortsAndRecurses() throws {
        let dir = TestPaths.temporaryDirectory("disc")
        try FileManager.default.createDirectory(at: dir.appendingPathComponent("sub"), withIntermediateDirectories: true)
        for f in ["z.yaml", "a.yml", "sub/m.yaml", "notes.txt"] {
            try "x".write(to: dir.appendingPathComponent(f), atomically: true, encoding: .utf8)
        }
        let files = try ScenarioLoader.discover([dir.path]).map { $0.path.replacingOccurrences(of: dir.path + "/", with: "") }
        #expect(files == ["a.yml", "sub/m.yaml", "z.yaml"])
        #expect(throws: ScenarioFileError.self) { try ScenarioLoader.discover(["/no/such/dir"]) }
    }
}

@Suite struct EnvironmentReferenceTests {
    @Test func substitutes() {
        #expect(EnvironmentReferences.names(in: "a${X}b${YY}") == ["X", "YY"])
        #expect(EnvironmentReferences.substitute("${X}/bin", ["X": "/opt"]) == "/opt/bin")
        #expect(EnvironmentReferences.substitute("${X", ["X": "/opt"]) == "${X")
        #expect(EnvironmentReferences.substitute("--n=${N:-10}", [:]) == "--n=10")
        #expect(EnvironmentReferences.substitute("--n=${N:-10}", ["N": "3"]) == "--n=3")
        #expect(EnvironmentReferences.substitute("${N}", [:]) == "${N}")
    }
}

/// `run.jit_maps`: the perf maps of JIT compilers and interpreters.
@Suite struct JitMapsKeyTests {
    @Test func jitMapsTurnsOnEachRuntimesMapAndKeepsNodeOptions() throws {
        let url = TestPaths.temporaryDirectory("jit-key").appendingPathComponent("s.yaml")
        try "name: js\nrun:\n  command: [node, app.js]\n  jit_maps: true\n".write(to: url, atomically: true, encoding: .utf8)
        #expect(try ScenarioLoader.load(url).scenario.run.jitMaps)
        let env = JitMaps.enabled(in: ["NODE_OPTIONS": "--max-old-space-size=512 --perf-basic-prof", "HOME": "/root"])
        #expect(env["NODE_OPTIONS"] == "--max-old-space-size=512 --perf-basic-prof --interpreted-frames-native-stack")
        #expect(env["PYTHONPERFSUPPORT"] == "1" && env["DOTNET_PerfMapEnabled"] == "1" && env["HOME"] == "/root")
        #expect(JitMaps.enabled(in: [:])["NODE_OPTIONS"] == "--perf-basic-prof --interpreted-frames-native-stack")
    }

    @Test func jitMapsMustBeABoolean() throws {
        let url = TestPaths.temporaryDirectory("jit-key").appendingPathComponent("s.yaml")
        try "name: js\nrun:\n  command: [node, app.js]\n  jit_maps: sometimes\n".write(to: url, atomically: true, encoding: .utf8)
        do {
            _ = try ScenarioLoader.load(url)
            Issue.record("jit_maps: sometimes was accepted")
        } catch let e as ScenarioFileError {
            #expect(e.description.contains("\(url.path):4:") && e.description.contains("expected true or false"),
                    "\(e.description)")
        }
    }
}
