import Foundation
import Model
import Testing
@testable import Reports

/// Differential flame graphs: colours by the change of each frame's
/// normalised share; red grew, blue shrank, white unchanged.
@Suite struct DifferentialFlameGraphTests {
    static let graph = FlameGraph(title: "CPU change", unit: FlameUnit(unit: .samples))
    static let white = DifferentialColors.unchanged

    static func frames(_ current: [(String, UInt64)], _ baseline: [(String, UInt64)],
                       _ widths: FlameGraph.Widths = .current) throws -> SVGFrames {
        let tree = FlameTree(ProfileFixture.stacks(current), baseline: ProfileFixture.stacks(baseline))
        return try SVGFrames(graph.render(tree, coloring: .differential(widths)))
    }

    /// Issue 8's acceptance: a known change colours the changed function and only it.
    @Test func knownChangeColoursOnlyTheChangedFunction() throws {
        // b now spends half its time in a new callee c: b's share is unchanged, c's is new
        let svg = try Self.frames([("T;main;a", 50), ("T;main;b", 25), ("T;main;b;c", 25)],
                                  [("T;main;a", 50), ("T;main;b", 50)])
        #expect(svg.frames.map(\.name) == ["all", "T", "main", "a", "b", "c"])
        let coloured = svg.frames.filter { $0.fill != Self.white }
        #expect(coloured.map(\.name) == ["c"])
        #expect(coloured.first?.fill == "rgb(255,0,0)")  // the largest change is fully saturated
    }

    @Test func growthIsRedShrinkIsBlueByMagnitude() throws {
        // normalised: a 75% → 50% (-25 pp), f 25% → 50% (+25 pp)
        let svg = try Self.frames([("T;a", 100), ("T;f", 100)], [("T;a", 75), ("T;f", 25)])
        #expect(svg.named("f").first?.fill == "rgb(255,0,0)")
        #expect(svg.named("a").first?.fill == "rgb(0,0,255)")
        #expect(svg.named("T").first?.fill == Self.white)
        let smaller = try Self.frames([("T;a", 60), ("T;f", 30), ("T;g", 10)], [("T;a", 70), ("T;f", 30)])
        // a: 70% → 60% (-10 pp, the largest), f: 30% → 30%, g: new 10% (+10 pp)
        #expect(smaller.named("a").first?.fill == "rgb(0,0,255)")
        #expect(smaller.named("g").first?.fill == "rgb(255,0,0)")
        #expect(smaller.named("f").first?.fill == Self.white)
    }

    @Test func intensityScalesWithTheChange() throws {
        // totals 100 each: x +20 pp, y +10 pp, z -30 pp
        let svg = try Self.frames([("T;x", 40), ("T;y", 30), ("T;z", 30)], [("T;x", 20), ("T;y", 20), ("T;z", 60)])
        // z -30 pp is the largest: full blue; x +20 pp: 210·(1-2/3) = 70; y +10 pp: 210·(1-1/3) = 140
        #expect(svg.named("z").first?.fill == "rgb(0,0,255)")
        #expect(svg.named("x").first?.fill == "rgb(255,70,70)")
        #expect(svg.named("y").first?.fill == "rgb(255,140,140)")
    }

    @Test func sameSharesAtAnotherScaleAreUnchanged() throws {
        // twice the samples everywhere (a longer run) is no change once normalised
        let svg = try Self.frames([("T;a", 200), ("T;b", 600)], [("T;a", 100), ("T;b", 300)])
        #expect(svg.frames.allSatisfy { $0.fill == Self.white })
    }

    @Test func baselineWidthsShowRemovedCode() throws {
        let current = [("T;main;a", 50 as UInt64), ("T;main;new", 50 as UInt64)]
        let baseline = [("T;main;a", 50 as UInt64), ("T;main;old", 50 as UInt64)]
        let forward = try Self.frames(current, baseline, .current)
        #expect(forward.named("old").isEmpty)
        #expect(forward.named("new").first?.fill == "rgb(255,0,0)")
        let reverse = try Self.frames(current, baseline, .baseline)
        #expect(reverse.named("new").isEmpty)
        #expect(reverse.named("old").first?.fill == "rgb(0,0,255)")
        #expect(reverse.named("a").first?.fill == Self.white)
        // widths come from the baseline: old and a split main evenly
        let old = try #require(reverse.named("old").first), a = try #require(reverse.named("a").first)
        #expect(abs(old.width - a.width) < 0.01)
    }

    @Test func titlesGiveBothSharesAndTheChange() throws {
        let tree = FlameTree(ProfileFixture.stacks([("T;f", 3), ("T;g", 1)]),
                             baseline: ProfileFixture.stacks([("T;f", 1), ("T;g", 1)]))
        let svg = Self.graph.render(tree, coloring: .differential(.current))
        #expect(svg.contains("<title>f\ncurrent 75.00% (3 samples), baseline 50.00% (1 sample), change +25.0 pp</title>"))
    }

    @Test func matchesGoldenFiles() throws {
        let tree = FlameTree(FlameTree.stacks(ProfileFixture.current), baseline: FlameTree.stacks(ProfileFixture.baseline))
        let graph = FlameGraph(title: "CPU change: parse-request", subtitle: "red: share grew, blue: share shrank",
                               unit: FlameUnit(unit: .samples, periodNanoseconds: 2_004_008))
        try RunReportRendererTests.expectGolden(graph.render(tree, coloring: .differential(.current)), "flamegraph-diff.svg")
        try RunReportRendererTests.expectGolden(graph.render(tree, coloring: .differential(.baseline)),
                                                "flamegraph-diff-baseline.svg")
    }
}
