import Foundation
import Model
import Testing
import TestSupport
@testable import Harness

/// In-kernel unwinding with .eh_frame tables, on code built without frame
/// pointers (the fixtures below and Debian's libc): every stack is the stack
/// of its own thread at its own moment, and reaches the program's root.
@Suite(.serialized, .enabled(if: Privileges.isRoot, "needs root to load BPF programs (CI runs as root)"))
struct UnwindTests {
    static let noFramePointers = ["-fomit-frame-pointer", "-momit-leaf-frame-pointer"]

    /// At 999 Hz, the target's output kept apart (WaitProbesTests' recorder).
    static func record(_ command: [String], probes: [ProbeName]) throws -> Recording {
        try WaitProbesTests.record(command, probes: probes)
    }

    static func names(_ p: Profile, _ s: StackSample) -> [String] { s.frames.map { p.frames[$0].name } }

    /// Two threads wait in pthread_cond_wait (libc) under acquire_a and under
    /// acquire_b, ~15 ms a round each: each thread's wait is on its own path
    /// (the old per-hash snapshot gave both the first thread's callers).
    @Test func blockedThreadsKeepTheirOwnCallers() throws {
        let exe = try Fixtures.c("two_paths", extra: Self.noFramePointers)
        let r = try Self.record([exe.path, "30"], probes: [.offcpu])
        let off = try #require(r.profile("offcpu"))
        var a = 0.0, b = 0.0
        for s in off.samples {
            let names = Self.names(off, s)
            guard let wait = names.firstIndex(where: { $0.hasPrefix("pthread_cond_wait") }) else { continue }
            let above = names[..<wait]
            #expect(!(above.contains("acquire_a") && above.contains("acquire_b")), "one path per stack: \(names)")
            if s.thread == "waiter-a" {
                #expect(above.contains("acquire_a") && !above.contains("acquire_b"), "waiter-a: \(names)")
                if above.contains("acquire_a") { a += Double(s.value) }
            } else if s.thread == "waiter-b" {
                #expect(above.contains("acquire_b") && !above.contains("acquire_a"), "waiter-b: \(names)")
                if above.contains("acquire_b") { b += Double(s.value) }
            }
        }
        // 30 rounds of 15 ms: each waiter blocks ~450 ms, all of it on its own path
        #expect(a > 0.3e9, "acquire_a waits \(a / 1e6) ms")
        #expect(b > 0.3e9, "acquire_b waits \(b / 1e6) ms")
    }

    /// qsort's callbacks are charged to the caller that called qsort: 3:1.
    @Test func qsortCallbacksBelongToTheirCaller() throws {
        let exe = try Fixtures.c("qsort_callers", extra: Self.noFramePointers)
        let r = try Self.record([exe.path, "4"], probes: [.cpu])
        let cpu = try #require(r.profile("cpu"))
        var big: UInt64 = 0, small: UInt64 = 0, orphan: UInt64 = 0
        for s in cpu.samples {
            let names = Self.names(cpu, s)
            guard names.contains("compare") else { continue }
            let underBig = names.contains("sort_big"), underSmall = names.contains("sort_small")
            #expect(!(underBig && underSmall), "\(names)")
            if underBig { big += s.value } else if underSmall { small += s.value } else { orphan += s.value }
        }
        let total = Double(big + small + orphan)
        #expect(total > 300, "compare holds most samples: \(total)")
        #expect(Double(orphan) <= 0.02 * total, "compare samples without their caller: \(orphan) of \(total)")
        let share = Double(big) * 100 / Double(max(big + small, 1))
        #expect(abs(share - 75) <= 5, "sort_big's share of compare: \(share)% (big \(big), small \(small))")
        // and the whole stack is there, down to the program's root
        let rooted = cpu.samples.filter { Self.names(cpu, $0).first == "_start" }.reduce(UInt64(0)) { $0 + $1.value }
        #expect(Double(rooted) >= 0.98 * Double(cpu.total), "\(rooted) of \(cpu.total) samples reach _start")
    }
}

extension UnwindTests {
    /// Samples inside a signal handler unwind through the kernel's signal
    /// frame (glibc's __restore_rt) to the code the signal interrupted.
    @Test func signalHandlerSamplesReachTheInterruptedCode() throws {
        let exe = try Fixtures.c("signal_burn", extra: Self.noFramePointers)
        let r = try Self.record([exe.path, "1.5"], probes: [.cpu])
        let cpu = try #require(r.profile("cpu"))
        var inHandler: UInt64 = 0, through: UInt64 = 0
        for s in cpu.samples {
            let names = Self.names(cpu, s)
            guard let leaf = names.lastIndex(of: "in_handler") else { continue }
            inHandler += s.value
            if let loop = names.firstIndex(of: "main_loop"), loop < leaf, names.first == "_start" { through += s.value }
        }
        #expect(inHandler > 100, "enough handler samples for the share below: \(inHandler) of \(cpu.total)")
        #expect(Double(through) >= 0.95 * Double(inHandler),
                "\(through) of \(inHandler) handler samples unwind through the signal frame to main_loop and _start")
    }
}

/// A real interpreter built without frame pointers (pyenv's CPython, whose
/// code lives in libpython), against perf's own DWARF unwinding of the same
/// workload.
@Suite(.serialized, .enabled(if: Privileges.isRoot && Interpreters.python312 != nil,
                             "needs root and pyenv's CPython 3.12"))
struct InterpreterUnwindTests {
    static let script = """
        def leaf(n):
            s = 0
            for i in range(n):
                s += i * i % 7
            return s
        def middle(n):
            return sum(leaf(n) for _ in range(3))
        def outer():
            for _ in range(80):
                middle(40000)
                [str(i) for i in range(20000)]
        outer()
        """

    static func scriptFile() throws -> URL {
        let file = TestPaths.temporaryDirectory("py-unwind").appendingPathComponent("loop.py")
        try script.write(to: file, atomically: true, encoding: .utf8)
        return file
    }

    /// Clone suffixes (`.constprop.0`, `.lto_priv.0`, `.cold`) as one function.
    static func base(_ name: String) -> String { String(name.split(separator: ".").first ?? Substring(name)) }

    @Test func cpythonStacksReachTheRootThroughResolvedFrames() throws {
        let python = try #require(Interpreters.python312)
        let r = try Rec.record([python, try Self.scriptFile().path], freq: 499)
        let cpu = r.cpu
        var rooted: UInt64 = 0
        var others: [String] = []
        for s in cpu.samples {
            let frames = s.frames.map { cpu.frames[$0] }.filter { $0.kind == .user }
            if frames.first?.name == "_start", frames.allSatisfy(\.resolved) {
                rooted += s.value
            } else {
                others.append(frames.map(\.name).joined(separator: ";"))
            }
        }
        #expect(cpu.total > 600, "a 2 s loop at 499 Hz: \(cpu.total) samples")
        #expect(Double(rooted) >= 0.98 * Double(cpu.total),
                "\(rooted) of \(cpu.total) samples reach _start through resolved frames; others: \(others.prefix(8)); lost: \(r.lost.filter { $0.count > 0 })")
    }

    @Test(.enabled(if: Privileges.hasCommand("perf"), "needs perf (Debian linux-perf)"))
    func topTenInclusiveFunctionsAgreeWithPerfDwarf() throws {
        let python = try #require(Interpreters.python312)
        let file = try Self.scriptFile()
        let data = TestPaths.temporaryDirectory("py-perf").appendingPathComponent("perf.data")
        try Command.check(["/usr/bin/perf", "record", "-q", "-e", "cpu-clock", "-F", "499", "--call-graph", "dwarf,65528",
                           "-o", data.path, "--", python, file.path])
        var perf: [String: Double] = [:]
        for (name, share) in try PerfReference.inclusiveShares(perfData: data) { perf[Self.base(name), default: 0] = max(perf[Self.base(name)] ?? 0, share) }
        let ours = try Rec.record([python, file.path], freq: 499).cpu
        // perf expands inlined functions from DWARF (`pymain_main (inlined)`);
        // flamegate shows the physical frames only: compare those
        let top = perf.filter { !$0.key.hasSuffix("(inlined)") }
            .sorted { ($0.value, $1.key) > ($1.value, $0.key) }.prefix(10)
        #expect(top.contains { $0.key == "_PyEval_EvalFrameDefault" }, "perf top: \(top)")
        for (name, share) in top {
            let total = Double(max(ours.total, 1))
            let hit = ours.samples.filter { s in s.frames.contains { Self.base(ours.frames[$0].name) == name } }
                .reduce(UInt64(0)) { $0 + $1.value }
            let mine = Double(hit) * 100 / total
            #expect(abs(mine - share) <= 5, "\(name): perf --call-graph dwarf \(share)%, flamegate \(mine)%; perf top: \(top)")
        }
    }
}
