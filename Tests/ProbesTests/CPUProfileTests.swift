import Foundation
import Model
import Testing
import TestSupport
@testable import Harness

/// The cpu probe against small real programs.
@Suite(.serialized, .enabled(if: Privileges.isRoot, "needs root to load BPF programs (CI runs as root)"))
struct CPUProfileTests {
    @Test func knownThreeToOneSplit() throws {
        let ratio = try Fixtures.c("ratio")
        let r = try Rec.record([ratio.path, "3000"])
        let heavy = r.cpu.inclusivePercent("burn_heavy"), light = r.cpu.inclusivePercent("burn_light")
        #expect(abs(heavy - 75) <= 3, "burn_heavy \(heavy)%")
        #expect(abs(light - 25) <= 3, "burn_light \(light)%")
        #expect(r.cpu.total > 2500, "~3000 samples expected at 999 Hz for 3 s")
        #expect(r.exit.code == 0)
    }

    /// perf with DWARF unwinding is the reference: its frame-pointer walk
    /// (`-g`) drops `main` whenever the sample is in a leaf, because GCC 12
    /// gives leaf functions no frame even with -mno-omit-leaf-frame-pointer
    /// (`burn_heavy` has no `push %rbp`). A clean-clone run compared
    /// flamegate's `main` (100%) with perf's 0.07% from that walk.
    @Test(.enabled(if: Privileges.hasCommand("perf"), "needs perf (Debian linux-perf)"))
    func agreesWithPerfDwarfOnEveryFunctionAboveOnePercent() throws {
        let ratio = try Fixtures.c("ratio")
        let dir = TestPaths.temporaryDirectory("perf")
        let data = dir.appendingPathComponent("perf.data")
        try Command.check(["/usr/bin/perf", "record", "-q", "-e", "cpu-clock", "-F", "999", "--call-graph", "dwarf",
                           "-o", data.path, "--", ratio.path, "3000"])
        let perf = try PerfReference.inclusiveShares(perfData: data)
        let ours = try Rec.record([ratio.path, "3000"]).cpu
        // perf expands inlined code from DWARF (`__libc_start_main_impl (inlined)`); flamegate
        // shows the physical frames only: compare those
        let shown = perf.filter { $0.value >= 1 && !$0.key.hasSuffix("(inlined)") }
            .sorted { ($0.value, $1.key) > ($1.value, $0.key) }
        for name in ["main", "burn_heavy", "burn_light"] {
            #expect(shown.contains { $0.key == name }, "perf: \(shown)")
        }
        for (name, share) in shown {
            let mine = ours.inclusivePercent(name)
            #expect(abs(mine - share) <= 5, "\(name): perf \(share)%, flamegate \(mine)%; perf: \(shown)")
        }
    }

    @Test func everyThreadIsProfiledAndNamed() throws {
        let r = try Rec.record([try Fixtures.c("threads4").path])
        let threads = Dictionary(grouping: r.cpu.samples, by: \.thread)
        for i in 0..<4 {
            let samples = threads["worker-\(i)"] ?? []
            #expect(samples.reduce(0) { $0 + $1.value } > 50, "worker-\(i) has samples")
            #expect(samples.contains { s in s.frames.contains { r.cpu.frames[$0].name.hasPrefix("thread_burn") } })
        }
        #expect(Set(r.cpu.samples.filter { $0.thread.hasPrefix("worker-") }.map(\.tid)).count == 4)
        let process = try #require(r.processes.first)
        #expect(process.threads.count == 5)
        #expect(Set(process.threads.map(\.name)).isSuperset(of: ["worker-0", "worker-1", "worker-2", "worker-3"]))
    }

    @Test func forkedAndExecdChildIsProfiledAndNamed() throws {
        let ratio = try Fixtures.c("ratio")
        let r = try Rec.record([try Fixtures.c("forkexec").path, ratio.path, "400"])
        #expect(r.processes.count == 2)
        let parent = try #require(r.processes.first), child = try #require(r.processes.last)
        #expect(child.parentPid == parent.pid)
        #expect(child.executables == [ratio.path])
        #expect(child.names.last == "ratio")
        let childSamples = r.cpu.samples.filter { $0.pid == child.pid }
        #expect(childSamples.contains { s in s.thread == "ratio" && s.frames.contains { r.cpu.frames[$0].name == "burn_heavy" } })
        #expect(r.cpu.samples.contains { s in s.pid == parent.pid && s.frames.contains { r.cpu.frames[$0].name.hasPrefix("parent_work") } })
    }

    @Test func fiftyMillisecondProgramIsFullySymbolized() throws {
        let binary = try Fixtures.c("short50ms")
        let r = try Rec.record([binary.path])
        let cpu = r.cpu
        #expect(cpu.total >= 20, "a 50 ms run at 999 Hz gives ~50 samples")
        let ownModules: Set<String> = [binary.lastPathComponent, "libc.so.6", "libm.so.6"]
        let unresolvedOwn = cpu.frames.filter { ownModules.contains($0.module) && !$0.resolved }
        #expect(unresolvedOwn.isEmpty, "unresolved: \(unresolvedOwn.map(\.name))")
        #expect(!cpu.names { $0.module == "libm.so.6" && $0.resolved }.isEmpty, "libm frames resolve to names")
        #expect(!cpu.names { $0.module == "libc.so.6" && $0.resolved }.isEmpty, "libc frames resolve to names")
        #expect(!cpu.names { $0.kind == .kernel && $0.resolved }.isEmpty, "kernel frames resolve")
        #expect(cpu.names { $0.kind == .kernel && !$0.resolved }.isEmpty)
        #expect(cpu.inclusivePercent("main") > 50, "leaf callers restored: main is on most stacks (0% without)")
        #expect(cpu.inclusivePercent("syscall_work") > 5, "the caller of the frameless write() wrapper is kept")
    }

    @Test func dlopenedLibraryResolves() throws {
        let plugin = try Fixtures.sharedLibrary("plugin")
        let r = try Rec.record([try Fixtures.c("dlopen_host").path, plugin.path])
        let frames = r.cpu.frames.filter { $0.module == "libplugin.so" }
        #expect(frames.contains { $0.name == "plugin_burn" && $0.resolved })
        #expect(r.cpu.inclusivePercent("plugin_burn") > 50)
    }

    @Test func swiftFunctionsAreDemangled() throws {
        let r = try Rec.record([try Fixtures.swift("SwiftBurn").path, "20000"])
        let names = r.cpu.names { $0.module == "SwiftBurn" && $0.resolved }
        #expect(names.contains { $0.hasPrefix("SwiftBurn.Accumulator.mix(rounds: Swift.Int)") }, "\(names)")
        #expect(!names.contains { $0.hasPrefix("$s") || $0.hasPrefix("_$s") })
    }

    @Test func onlyTheTrackedTreeIsSampled() throws {
        // a CPU burner outside the tree runs meanwhile: none of its samples may appear
        let burner = Process()
        burner.executableURL = try Fixtures.c("ratio")
        burner.arguments = ["1500"]
        try burner.run()
        defer { burner.terminate() }
        let r = try Rec.record(["/bin/sleep", "0.5"])
        let pids = Set(r.processes.map(\.pid))
        #expect(r.cpu.samples.allSatisfy { pids.contains($0.pid) })
        #expect(!r.cpu.frames.contains { $0.name.hasPrefix("burn_") })
        #expect(r.cpu.total < 50, "sleep uses almost no CPU")
    }

    @Test func tableOverflowIsCountedNotHidden() throws {
        let binary = try Fixtures.c("short50ms")
        let fewStacks = try Rec.record([binary.path], limits: ProbeLimits(stacks: 4))
        #expect(fewStacks.lost("lost_stacks") > 0)
        let fewEntries = try Rec.record([binary.path], limits: ProbeLimits(cpuEntries: 3))
        #expect(fewEntries.lost("dropped_samples") > 0)
        #expect(fewEntries.cpu.samples.count <= 3)
    }
}
