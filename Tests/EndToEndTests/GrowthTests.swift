import Analysis
import Foundation
import Model
import Reports
import Testing
import TestSupport

/// A cache that keeps every 64 KiB tile it decodes and frees them all at
/// exit (`Tests/Fixtures/growing_cache.c`): no leak at exit, 25 MiB held at
/// the end of the run against 512 KiB for the bounded cache. Growth, naming
/// the allocating function; the bounded cache against itself passes.
@Suite(.serialized, .enabled(if: Privileges.isRoot && CLI.built, "needs root and the built binary"))
struct GrowthTests {
    static func run(variant: String) throws -> (status: Int32, findings: [Finding], output: String) {
        let source = TestPaths.root.appendingPathComponent("Tests/Fixtures/growing_cache.c").path
        let r = try VariantRun.run("""
            name: tile-cache
            build: cc -O2 -g -o growing_cache \(source)
            run:
              command: [./growing_cache, --variant, "${VARIANT:-good}"]
              timeout: 30s
            repetitions: 5
            """, variant: variant, in: "growth")
        return (r.status, r.report.scenarios.flatMap(\.findings), r.output)
    }

    @Test func aCacheThatGrowsIsFoundAlthoughFreedAtExit() throws {
        let bad = try Self.run(variant: "bad")
        #expect(bad.status == 1, "\(bad.output)")
        #expect(!bad.findings.contains { $0.kind == .leak }, "nothing leaks at exit: \(bad.findings.map(\.summary))")
        let growth = try #require(bad.findings.first { $0.kind == .growth }, "\(bad.findings.map(\.summary))\n\(bad.output)")
        #expect(growth.function == "decode_tile" && growth.severity == .error, "\(growth.summary)")
        #expect(growth.summary.contains("64 KiB per allocation"), "\(growth.summary)")
        let good = try Self.run(variant: "good")
        #expect(good.status == 0, "\(good.output)")
        #expect(!good.findings.contains { $0.kind == .growth }, "\(good.findings.map(\.summary))")
    }
}
