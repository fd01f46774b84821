import Analysis
import Foundation
import Model
import Reports
import Testing
import TestSupport

/// Interpreted and JIT-compiled code named through the runtimes' perf maps
/// (`record --jit-maps`, `run.jit_maps`): JavaScript functions of Node,
/// Python functions of CPython 3.12+ (`PYTHONPERFSUPPORT`), each spliced into
/// the native stack where the runtime runs it, checked against py-spy on the
/// same run. The Python cases turn the kernel's own walk of Python frames off
/// (`FLAMEGATE_PYTHON_FRAMES=0`, `PythonFrameTests`), whose frames replace
/// the perf map's.
@Suite(.serialized, .enabled(if: Privileges.isRoot && CLI.built, "needs root and the built binary"))
struct JitMapTests {
    /// `flamegate record --jit-maps --probes cpu -- ARGS`: the folded CPU
    /// stacks, the recorded pids, and the output.
    static func record(_ args: [String], label: String, jitMaps: Bool = true, probes: String = "cpu",
                       profile kind: String = "cpu", environment: [String: String] = [:]) throws
        -> (stacks: [(stack: [String], count: UInt64)], pids: [Int32], output: String) {
        let dir = TestPaths.temporaryDirectory(label)
        let r = try CLI.run(["record"] + (jitMaps ? ["--jit-maps"] : []) + ["--probes", probes, "--quiet", "-o", dir.path, "--"]
                            + args, environment: ProcessInfo.processInfo.environment.merging(environment) { $1 })
        #expect(r.status == 0, "\(r.stdout)\n\(r.stderr)")
        let folded = try String(contentsOf: dir.appendingPathComponent("\(kind).folded"), encoding: .utf8)
        let profile = try JSONSerialization.jsonObject(with: Data(contentsOf: dir.appendingPathComponent("profile.json")))
        let processes = (profile as? [String: Any])?["processes"] as? [[String: Any]] ?? []
        return (FoldedStacks.parse(folded), processes.compactMap { ($0["pid"] as? NSNumber)?.int32Value }, r.stdout)
    }

    /// Inclusive share (percent) of each function matching `pattern`'s first
    /// group, over the stacks holding at least one such frame.
    static func shares(_ stacks: [(stack: [String], count: UInt64)], _ pattern: String) throws -> [String: Double] {
        let regex = try NSRegularExpression(pattern: pattern)
        func function(_ frame: String) -> String? {
            guard let m = regex.firstMatch(in: frame, range: NSRange(frame.startIndex..., in: frame)),
                  let r = Range(m.range(at: 1), in: frame) else { return nil }
            return String(frame[r])
        }
        var total: UInt64 = 0
        var inclusive: [String: UInt64] = [:]
        for (stack, count) in stacks {
            let functions = Set(stack.compactMap(function))
            guard !functions.isEmpty else { continue }
            total += count
            for f in functions { inclusive[f, default: 0] += count }
        }
        return inclusive.mapValues { 100 * Double($0) / Double(max(total, 1)) }
    }

    /// Python frames from the perf map alone.
    static let perfMapsOnly = ["FLAMEGATE_PYTHON_FRAMES": "0"]

    /// py_mix.py's five heaviest Python functions in py-spy's raw output
    /// (`raw`) and in flamegate's stacks of the interpreter's process, within
    /// 5 points of each other, heavy() heaviest; returns flamegate's stacks
    /// of that process.
    static func expectAgreement(_ stacks: [(stack: [String], count: UInt64)], python: String, pySpy raw: String,
                                ourFrames: String, output: String) throws -> [(stack: [String], count: UInt64)] {
        let name = URL(fileURLWithPath: python).lastPathComponent
        let ours = stacks.filter { $0.stack.first == name }
        let theirs = FoldedStacks.parse(try String(contentsOfFile: raw, encoding: .utf8))
        let mine = try shares(ours, ourFrames)
        let reference = try shares(theirs, #"^(.+) \(py_mix\.py:\d+\)$"#)
        let top = reference.sorted { $0.value > $1.value }.prefix(5)
        #expect(top.count == 5, "py-spy: \(reference)")
        for (function, share) in top {
            let measured = mine[function] ?? 0
            #expect(abs(measured - share) <= 5,
                    "\(function): flamegate \(String(format: "%.1f", measured))%, py-spy \(String(format: "%.1f", share))%\nours \(mine)\n\(output)")
        }
        // heavy(8 units) is the heaviest leaf function on both sides
        #expect((mine["heavy"] ?? 0) > 35, "\(mine)")
        return ours
    }

    @Test(.enabled(if: Interpreters.node != nil, "needs node"))
    func nodeJavaScriptFunctionsAreNamedWithTheirCallers() throws {
        let node = try #require(Interpreters.node)
        let (stacks, pids, output) = try Self.record([node, TestPaths.fixtures.appendingPathComponent("hot.js").path],
                                                     label: "jit-node")
        let total = stacks.reduce(0) { $0 + $1.count }
        let fib = stacks.filter { $0.stack.contains("fib (hot.js:3)") }
        let inFib = fib.reduce(0) { $0 + $1.count }
        #expect(Double(inFib) >= 0.6 * Double(total), "fib in \(inFib) of \(total) samples\n\(output)")
        // V8 keeps frame pointers: the JavaScript caller is in the stack too,
        // below it the native frames that entered JavaScript, down to _start
        let called = fib.filter { $0.stack.contains("crunch (hot.js:7)") && $0.stack.contains("_start") }
            .reduce(0) { $0 + $1.count }
        #expect(Double(called) >= 0.95 * Double(inFib), "crunch → fib in \(called) of \(inFib)")
        #expect(output.contains("fib (hot.js:3) [js]"), "\(output)")
        // the maps flamegate asked for are removed once read, and V8's code log
        for pid in pids { #expect(!FileManager.default.fileExists(atPath: "/tmp/perf-\(pid).map")) }
        let left = try FileManager.default.contentsOfDirectory(atPath: FileManager.default.currentDirectoryPath)
            .filter { name in name.hasPrefix("isolate-0x") && pids.contains { name.hasSuffix("-\($0)-v8.log") } }
        #expect(left.isEmpty, "left in the working directory: \(left)")
    }

    /// The same run seen by flamegate and by py-spy (which samples the
    /// interpreter's frame chain): the five heaviest Python functions within
    /// 5 points of each other (20 rounds: sampling noise alone is ±1.5 points); every flamegate stack with Python frames is
    /// complete from `<module>` down to the interpreter's C leaf.
    @Test(.enabled(if: Interpreters.pySpy != nil, "needs py-spy (make test installs it)"),
          arguments: [Interpreters.python312, Interpreters.python313].compactMap { $0 })
    func pythonFunctionsAgreeWithPySpy(python: String) throws {
        let spy = try #require(Interpreters.pySpy)
        let dir = TestPaths.temporaryDirectory("jit-pyspy")
        let raw = dir.appendingPathComponent("spy.txt").path
        let (stacks, _, output) = try Self.record(
            [spy, "record", "--nonblocking", "-r", "499", "-f", "raw", "-o", raw, "--",
             python, TestPaths.fixtures.appendingPathComponent("py_mix.py").path, "20"], label: "jit-python",
            environment: Self.perfMapsOnly)
        let ours = try Self.expectAgreement(stacks, python: python, pySpy: raw, ourFrames: #"^(.+) \(py_mix\.py\)$"#,
                                            output: output)
        let python = ours.filter { $0.stack.contains { $0.hasSuffix(" (py_mix.py)") } }
        let rooted = python.filter { s in
            s.stack.contains("_start") && s.stack.contains("<module> (py_mix.py)") && s.stack.contains("main (py_mix.py)")
        }
        let all = python.reduce(0) { $0 + $1.count }, complete = rooted.reduce(0) { $0 + $1.count }
        #expect(Double(complete) >= 0.97 * Double(all), "\(complete) of \(all) stacks rooted")
    }

    /// A quadratic dedup in a script: the complexity finding names the
    /// script's function, with the interpreter's frames it spends its time in.
    @Test(.enabled(if: Interpreters.python312 != nil, "needs pyenv's CPython 3.12"))
    func quadraticPythonFunctionIsTheComplexityCulprit() throws {
        let python = try #require(Interpreters.python312)
        let script = try String(contentsOf: TestPaths.fixtures.appendingPathComponent("dedupe.py"), encoding: .utf8)
        let (status, report, output) = try VariantRun.run("""
            name: py-dedupe
            run:
              command: [\(python), dedupe.py, "{size}"]
              timeout: 60s
              jit_maps: true
            sizes: [400, 800, 1600, 4000]
            repetitions: 3
            probes: [cpu]
            cpu: {frequency: 1999}
            """, variant: "bad", in: "py-dedupe", files: ["dedupe.py": script], environment: Self.perfMapsOnly)
        #expect(status == 1, "\(output)")
        let findings = report.scenarios.flatMap(\.findings)
        let complexity = findings.first { $0.kind == .complexity }
        #expect(complexity?.function == "dedupe (dedupe.py)", "findings: \(findings.map(\.summary))\n\(output)")
        #expect(complexity?.summary.contains("list_contains") == true, "\(complexity?.summary ?? "")")
        #expect(complexity?.callPath.contains("<module> (dedupe.py)") == true, "\(complexity?.callPath ?? [])")
    }
}
