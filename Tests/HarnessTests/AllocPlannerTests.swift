import Foundation
import Model
import Probes
import Testing
import TestSupport
@testable import Harness

/// Where the alloc probe attaches, decided before the target starts.
@Suite struct AllocPlannerTests {
    static let target = LaunchSpec(command: ["/bin/true"])

    static func exact(_ plan: AllocPlan) -> [AllocPlan.Function] {
        if case let .exact(functions) = plan.mode { return functions }
        return []
    }

    @Test func libcIsTracedOncePerAddress() throws {
        let functions = Self.exact(try AllocPlanner.plan(AllocSettings(sampleEvery: 1), launch: Self.target))
        let names = Set(functions.map(\.name))
        #expect(names.isSuperset(of: ["malloc", "calloc", "realloc", "free", "posix_memalign", "valloc"]))
        #expect(Set(functions.map(\.offset)).count == functions.count, "aliases share one address: traced once")
        #expect(functions.allSatisfy { $0.path.hasSuffix("libc.so.6") })
        #expect(functions.first { $0.name == "free" }?.call == .free)
    }

    @Test func samplingPreloadsTheShimAheadOfTheTargetsOwnPreloads() throws {
        let plan = try AllocPlanner.plan(AllocSettings(sampleEvery: 4096), launch: Self.target)
        guard case let .sampled(preload, every) = plan.mode else {
            Issue.record("a dynamic program is sampled when asked: \(plan.mode)")
            return
        }
        #expect(every == 4096)
        #expect(FileManager.default.isReadableFile(atPath: preload))
        #expect(preload.contains(AllocationGrouping.preloadModule))
        let env = plan.environment(adding: ["LD_PRELOAD": "/opt/other.so", "HOME": "/root"])
        #expect(env["LD_PRELOAD"] == "\(preload):/opt/other.so")
        #expect(env[AllocProbe.sampleEveryVariable] == "4096")
        #expect(env["HOME"] == "/root")
        // installing again reuses the same file (uprobes attach to its inode)
        #expect(try AllocPreload.install() == preload)
    }

    @Test func anAllocatorTheTargetDoesNotLoadIsAClearError() {
        #expect {
            try AllocPlanner.plan(AllocSettings(library: "jemalloc", sampleEvery: 1), launch: Self.target)
        } throws: { error in
            let text = "\(error)"
            return text.contains("/bin/true does not load libjemalloc.so") && text.contains("needs: libc.so.6")
        }
    }

    @Test func aPreloadedAllocatorIsFound() throws {
        // any malloc-compatible library named like jemalloc: a copy of libc
        let libc = try #require(Self.exact(try AllocPlanner.plan(AllocSettings(sampleEvery: 1), launch: Self.target)).first?.path)
        let fake = TestPaths.temporaryDirectory("jemalloc").appendingPathComponent("libjemalloc.so.2")
        try FileManager.default.copyItem(atPath: libc, toPath: fake.path)
        let launch = LaunchSpec(command: ["/bin/true"], environment: ["LD_PRELOAD": fake.path, "PATH": "/usr/bin:/bin"])
        let functions = Self.exact(try AllocPlanner.plan(AllocSettings(library: "jemalloc", sampleEvery: 1), launch: launch))
        #expect(!functions.isEmpty)
        #expect(functions.allSatisfy { $0.path == fake.path })
    }

    @Test func setuidProgramsAreTracedExactlyWithTheReason() throws {
        let copy = TestPaths.temporaryDirectory("setuid").appendingPathComponent("true")
        try FileManager.default.copyItem(atPath: "/bin/true", toPath: copy.path)
        chmod(copy.path, 0o4755)
        let plan = try AllocPlanner.plan(AllocSettings(sampleEvery: 1 << 20), launch: LaunchSpec(command: [copy.path]))
        #expect(!Self.exact(plan).isEmpty)
        #expect(plan.notes.contains { $0.contains("setuid") }, "\(plan.notes)")
    }

    @Test func scriptsAreSampledThroughTheirInterpreter() throws {
        let script = TestPaths.temporaryDirectory("script").appendingPathComponent("run.sh")
        try "#!/bin/sh\nexit 0\n".write(to: script, atomically: true, encoding: .utf8)
        chmod(script.path, 0o755)
        let plan = try AllocPlanner.plan(AllocSettings(sampleEvery: 1 << 20), launch: LaunchSpec(command: [script.path]))
        guard case .sampled = plan.mode else {
            Issue.record("a script's interpreter loads the shim: \(plan.mode)")
            return
        }
    }
}
