import Analysis
import Foundation
import Model
import Reports
import Testing
import TestSupport

/// Pool threads that idle on a semaphore while the main thread computes
/// three times longer (`Tests/Fixtures/idle_pool.c`): their longer wait is
/// idle time, not contention, and the regression named is the main thread's.
@Suite(.serialized, .enabled(if: Privileges.isRoot && CLI.built, "needs root and the built binary"))
struct IdlePoolTests {
    @Test func idleWorkersAreNotContentionAndTheSlowerThreadIsNamed() throws {
        let source = TestPaths.root.appendingPathComponent("Tests/Fixtures/idle_pool.c").path
        let (status, report, output) = try VariantRun.run("""
            name: idle-pool
            build: cc -O2 -g -pthread -o idle_pool \(source)
            run:
              command: [./idle_pool, --variant, "${VARIANT:-good}"]
              timeout: 30s
            repetitions: 10
            """, variant: "bad", in: "idle-pool")
        let findings = report.scenarios.flatMap(\.findings)
        #expect(status == 1, "the main thread's 3× longer computation regresses: \(output)")
        #expect(!findings.contains { $0.kind == .contention }, "\(findings.map(\.summary))")
        #expect(findings.contains { $0.kind == .hotspot && $0.function == "crunch" && $0.severity == .error },
                "\(findings.map(\.summary))")
        let idle = findings.first { $0.kind == .idle }
        #expect(idle?.function == "worker" && idle?.severity == .warning, "\(findings.map(\.summary))")
    }
}
