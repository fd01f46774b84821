import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import Model
import Testing
@testable import Reports

/// The SVG flame graph: its tree, its golden file, and the properties a
/// golden file cannot show (labels fit, colours follow names, orientation).
@Suite struct FlameGraphTests {
    static let profile = ProfileFixture.cpu()
    static let tree = FlameTree(FlameTree.stacks(profile))
    static let graph = FlameGraph(title: "CPU samples", subtitle: "./app", unit: FlameUnit(unit: .samples,
                                                                                           periodNanoseconds: 2_004_008))

    @Test func treeHoldsInclusiveValuesInNameOrder() throws {
        let root = Self.tree.root
        #expect(root.name == "all" && root.value == 100)
        #expect(root.children.map(\.name) == ["app", "worker"])
        let main = try #require(root.children.first?.children.first)
        #expect(main.name == "main" && main.value == 55)
        #expect(main.children.map(\.name) == ["a_really_long_function_name_that_cannot_fit_in_its_small_frame",
                                              "parse", "write"])
        #expect(main.children[1].value == 48)
        // kernel frames carry flamegraph.pl's suffix, as in the folded files
        #expect(main.children[2].children.map(\.name) == ["do_syscall_64_[k]"])
        #expect(Self.tree.depth == 4)
    }

    @Test func trimmedAndFoldedStacksBuildTheSameTree() {
        let folded = FoldedStacks.parse(FoldedStacks.render(Self.profile)).map { ($0.stack, $0.count) }
        #expect(FlameTree(folded) == Self.tree)
        let trimmed = TrimmedProfile(unit: .samples, stacks: folded.map { .init(frames: $0.0, value: $0.1) })
        #expect(FlameTree(FlameTree.stacks(trimmed)) == Self.tree)
    }

    @Test func matchesGoldenFile() throws {
        try RunReportRendererTests.expectGolden(Self.graph.render(Self.tree, coloring: .palette(.hot)), "flamegraph.svg")
    }

    @Test func isWellFormedAndSelfContained() throws {
        let svg = Self.graph.render(Self.tree, coloring: .palette(.hot))
        let frames = try SVGFrames(svg).frames
        #expect(frames.count == 12)  // all, 2 threads, 9 functions
        #expect(svg.contains("<script type=\"text/ecmascript\"><![CDATA[") && svg.contains("fgInit(document.documentElement)"))
        // the only URL is the SVG namespace
        #expect(svg.components(separatedBy: "http").count == 2)
        #expect(svg.contains("std::vector&lt;int&gt;::push_back(int&amp;&amp;)"))
    }

    @Test func labelsFitTheirFramesAndLongNamesAreCut() throws {
        let frames = try SVGFrames(Self.graph.render(Self.tree, coloring: .palette(.hot))).frames
        for f in frames {
            #expect(Double(f.label.count) * 12 * FlameGraph.characterWidth <= f.width - 6 || f.label.isEmpty, "\(f.name)")
            #expect(f.label.isEmpty || f.label == f.name || (f.label.hasSuffix("..") && f.name.hasPrefix(f.label.dropLast(2))))
        }
        // 8 of 100 samples: 94.4 units wide, room for 11 characters
        #expect(frames.first { $0.name.hasPrefix("std::vector") }?.label == "std::vect..")
        // 2 of 100 samples: 23.6 units wide, room for 2 characters: no label
        #expect(frames.first { $0.name.hasPrefix("a_really_long") }?.label == "")
    }

    @Test func labelRule() {
        // (width - 6) / 7.44 characters fit; under three fit, no label
        #expect(FlameGraph.label("parse_request", width: 200) == "parse_request")
        #expect(FlameGraph.label("parse_request", width: 6 + 7.44 * 10) == "parse_re..")
        #expect(FlameGraph.label("parse_request", width: 6 + 7.44 * 2.9) == "")
        #expect(FlameGraph.label("abc", width: 6 + 7.44 * 3) == "abc")
    }

    @Test func colourFollowsTheNameNotTheGraph() throws {
        let a = try SVGFrames(Self.graph.render(Self.tree, coloring: .palette(.hot)))
        let other = FlameTree([(["other-thread", "parse"], 7)])
        let b = try SVGFrames(Self.graph.render(other, coloring: .palette(.hot)))
        #expect(a.named("parse").first?.fill == b.named("parse").first?.fill)
        #expect(a.named("parse").first?.fill != a.named("tokenize").first?.fill)
        // labels grey, kernel frames orange (no blue), palettes differ by kind
        #expect(a.named("do_syscall_64_[k]").first.map { Self.rgb($0.fill).2 } == 0)
        let marker = FlameTree.Node(name: "[other]", value: 1, baseline: 0, offCPU: 0, children: [])
        let grey = Self.rgb(FlamePalette.hot.fill(marker))
        #expect(grey.0 == grey.1 && grey.1 == grey.2)
        let node = FlameTree.Node(name: "main", value: 1, baseline: 0, offCPU: 0, children: [])
        let blue = Self.rgb(FlamePalette.forKind("offcpu").fill(node)), hot = Self.rgb(FlamePalette.forKind("cpu").fill(node))
        #expect(blue.2 > blue.0 && hot.0 > hot.2)
        let waiting = FlameTree.Node(name: "main", value: 10, baseline: 0, offCPU: 8, children: [])
        #expect(FlamePalette.wall.fill(waiting) == FlamePalette.blue.fill(waiting))
        #expect(FlamePalette.wall.fill(node) == FlamePalette.hot.fill(node))
    }

    @Test func iciclePutsTheRootOnTop() throws {
        var icicle = Self.graph
        icicle.orientation = .icicle
        let flame = try SVGFrames(Self.graph.render(Self.tree, coloring: .palette(.hot)))
        let down = try SVGFrames(icicle.render(Self.tree, coloring: .palette(.hot)))
        let flameRoot = try #require(flame.named("all").first), flameLeaf = try #require(flame.named("tokenize").first)
        let icicleRoot = try #require(down.named("all").first), icicleLeaf = try #require(down.named("tokenize").first)
        #expect(flameRoot.y > flameLeaf.y)
        #expect(icicleRoot.y < icicleLeaf.y)
        #expect(flameRoot.x == icicleRoot.x && flameRoot.width == icicleRoot.width)
    }

    @Test func framesTooNarrowToSeeAreLeftOut() throws {
        let tree = FlameTree([(["t", "big"], 1_000_000), (["t", "tiny"], 1)])
        let frames = try SVGFrames(Self.graph.render(tree, coloring: .palette(.hot)))
        #expect(frames.named("big").count == 1)
        #expect(frames.named("tiny").isEmpty)
    }

    @Test func emptyProfileRendersAnEmptyGraph() throws {
        let frames = try SVGFrames(Self.graph.render(FlameTree([]), coloring: .palette(.hot)))
        #expect(frames.frames.isEmpty)
    }

    static func rgb(_ fill: String) -> (Int, Int, Int) {
        let parts = fill.dropFirst(4).dropLast().split(separator: ",").compactMap { Int($0) }
        return parts.count == 3 ? (parts[0], parts[1], parts[2]) : (-1, -1, -1)
    }
}
