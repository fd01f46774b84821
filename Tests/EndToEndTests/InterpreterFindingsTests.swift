import Analysis
import Foundation
import Model
import Reports
import Testing
import TestSupport

/// Findings on a real interpreter built without frame pointers (pyenv's
/// CPython 3.12): a script that busy-waits on the clock is reported as
/// busy-polling, naming the interpreter's function that reads the clock.
@Suite(.serialized, .enabled(if: Privileges.isRoot && CLI.built && Interpreters.python312 != nil,
                             "needs root, the built binary and pyenv's CPython 3.12"))
struct InterpreterFindingsTests {
    static let waitScript = """
        import os, time
        def wait_until(deadline):
            if os.environ.get("VARIANT") == "bad":
                while time.time() < deadline:
                    pass
            else:
                time.sleep(max(0.0, deadline - time.time()))
        wait_until(time.time() + 0.4)
        """

    /// The finding names the script's function (its frames walked by the
    /// kernel side), the interpreter's clock read as the way in.
    @Test func busyWaitNamesThePythonFunction() throws {
        let python = try #require(Interpreters.python312)
        let (status, report, output) = try VariantRun.run("""
            name: py-wait-named
            run:
              command: [\(python), wait.py]
              timeout: 30s
            repetitions: 5
            thresholds:
              busy_poll: fail
            """, variant: "bad", in: "py-busy-named", files: ["wait.py": Self.waitScript])
        let busy = report.scenarios.flatMap(\.findings).first { $0.kind == .busyPolling }
        #expect(status == 1, "\(output)")
        #expect(busy?.function == "wait_until (wait.py:2)", "\(busy?.summary ?? "no busy-poll finding")\n\(output)")
        #expect(busy?.summary.contains("through _PyTime_GetSystemClockWithInfo") == true, "\(busy?.summary ?? "")")
        #expect(busy?.callPath.contains("<module> (wait.py:1)") == true, "\(busy?.callPath ?? [])")
    }

    /// Without Python frames (FLAMEGATE_PYTHON_FRAMES=0, as for a CPython
    /// whose layout is not known) the native stacks still name the clock read.
    @Test func busyWaitOnTheClockIsBusyPolling() throws {
        let python = try #require(Interpreters.python312)
        let (status, report, output) = try VariantRun.run("""
            name: py-wait
            run:
              command: [\(python), wait.py]
              timeout: 30s
            repetitions: 5
            thresholds:
              busy_poll: fail
            """, variant: "bad", in: "py-busy", files: ["wait.py": Self.waitScript],
            environment: ["FLAMEGATE_PYTHON_FRAMES": "0"])
        let findings = report.scenarios.flatMap(\.findings)
        let busy = findings.first { $0.kind == .busyPolling }
        #expect(status == 1, "\(output)")
        #expect(busy != nil, "findings: \(findings.map(\.summary))")
        if let busy {
            // the clock read inside the interpreter (time_time → … → clock_gettime), not _start or [unknown]
            let name = busy.function.lowercased()
            #expect(name.contains("time") || name.contains("clock"), "\(busy.summary); path \(busy.callPath)")
            #expect(!busy.callPath.contains { $0 == "[unknown]" || $0.hasPrefix("python3.12+0x") }, "\(busy.callPath)")
        }
    }
}
