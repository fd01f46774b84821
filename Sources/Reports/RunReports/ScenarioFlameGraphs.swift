import Analysis
import Model

/// The flame graphs of one scenario, chosen in one place so `report.html`
/// embeds the same graphs that are written as `*.svg`: per size with a CPU
/// profile, the current graph, and where the baseline has that size the
/// differential graph with current widths and with baseline widths.
struct ScenarioFlameGraphs {
    struct Graph {
        /// File name part: `cpu`, `cpu-diff`, `cpu-diff-baseline`.
        var name: String
        var graph: FlameGraph
        var tree: FlameTree
        var coloring: FlameGraph.Coloring
        var caption: String

        func render(embedded: Bool) -> String {
            var g = graph
            g.embedded = embedded
            return g.render(tree, coloring: coloring)
        }
    }

    struct Size {
        var size: Int?
        var profile: TrimmedProfile
        var periodNanoseconds: UInt64?
        var graphs: [Graph]
        var hasBaseline: Bool
    }

    static func make(_ s: ScenarioReport, orientation: FlameGraph.Orientation) -> [Size] {
        s.run.sizes.compactMap { result -> Size? in
            guard let profile = result.cpuProfile else { return nil }
            let period = result.runs.lazy.compactMap(\.cpuPeriodNanoseconds).first
            let unit = FlameUnit(unit: profile.unit, periodNanoseconds: period)
            let suffix = result.size.map { " (size \($0))" } ?? ""
            let runs = "\(result.runs.count) run\(result.runs.count == 1 ? "" : "s") merged"
            var graphs = [Graph(name: "cpu",
                                graph: FlameGraph(title: "CPU: " + s.name + suffix, subtitle: runs, unit: unit,
                                                  orientation: orientation),
                                tree: FlameTree(FlameTree.stacks(profile)), coloring: .palette(.hot),
                                caption: "On-CPU samples; wider is more time. The heaviest stacks are kept, "
                                    + "the rest summed in [other].")]
            let baseline = s.baselineProfiles.first { $0.size == result.size }?.profile
            if let baseline {
                let diff = FlameTree(FlameTree.stacks(profile), baseline: FlameTree.stacks(baseline))
                let subtitle = "red: share grew, blue: share shrank (each profile normalised to its total)"
                graphs.append(Graph(name: "cpu-diff",
                                    graph: FlameGraph(title: "CPU change: " + s.name + suffix + ", current widths",
                                                      subtitle: subtitle, unit: unit, orientation: orientation),
                                    tree: diff, coloring: .differential(.current),
                                    caption: "Differential graph, widths from the current run: what grew is red."))
                graphs.append(Graph(name: "cpu-diff-baseline",
                                    graph: FlameGraph(title: "CPU change: " + s.name + suffix + ", baseline widths",
                                                      subtitle: subtitle, unit: unit, orientation: orientation),
                                    tree: diff, coloring: .differential(.baseline),
                                    caption: "The same change drawn with the baseline's widths, so code that "
                                        + "shrank or is gone shows (blue)."))
            }
            return Size(size: result.size, profile: profile, periodNanoseconds: period, graphs: graphs,
                        hasBaseline: baseline != nil)
        }
    }
}
