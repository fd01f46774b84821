import Analysis
import Foundation
import Model

/// The files `flamegate record -o DIR` and `flamegate run --output DIR`
/// leave for people and tools, as names and contents (`Output.ArtifactWriter`
/// writes them):
///
/// record: `report.html`; per profile kind `KIND.svg` (flame graph),
/// `KIND.pb.gz` (pprof) and `KIND.folded`; `profile.json`.
///
/// run: `report.html`; per scenario and size with a CPU profile
/// `SCENARIO[-SIZE].cpu.svg`, `.cpu-diff.svg` and `.cpu-diff-baseline.svg`
/// (when the baseline has that size), `.cpu.pb.gz` and `.cpu.folded`.
public enum Artifacts {
    /// A file to leave: its name in the output directory, its bytes.
    public typealias File = (name: String, data: Data)

    /// The files of a recording, in the order to write them.
    public static func recording(_ r: Recording) throws -> [File] {
        var files: [File] = []
        func write(_ data: Data, _ name: String) { files.append((name, data)) }
        for profile in r.profiles {
            let kind = fileName(profile.kind)
            write(Data(FoldedStacks.render(profile).utf8), kind + ".folded")
            if profile.total > 0 {
                let graph = FlameGraph(title: RecordingHTMLReport.heading(profile.kind),
                                       subtitle: r.command.joined(separator: " "),
                                       unit: FlameUnit(unit: profile.unit, periodNanoseconds: profile.periodNanoseconds))
                let svg = graph.render(FlameTree(FlameTree.stacks(profile)), coloring: .palette(.forKind(profile.kind)))
                write(Data(svg.utf8), kind + ".svg")
            }
            write(try PprofExport.gzipped(profile, startedAt: r.startedAt, durationSeconds: r.usage.wallSeconds),
                  kind + ".pb.gz")
        }
        write(try JSONFormat.encoder().encode(r), "profile.json")
        write(Data(RecordingHTMLReport().render(r).utf8), "report.html")
        return files
    }

    /// The files of a run's report, in the order to write them.
    public static func run(_ r: RunReport) throws -> [File] {
        var files: [File] = []
        func write(_ data: Data, _ name: String) { files.append((name, data)) }
        write(Data(HTMLReport().render(r).utf8), "report.html")
        for scenario in r.scenarios {
            for size in ScenarioFlameGraphs.make(scenario, orientation: .flame) {
                let base = fileName(scenario.name) + (size.size.map { "-\($0)" } ?? "")
                for graph in size.graphs {
                    write(Data(graph.render(embedded: false).utf8), base + "." + graph.name + ".svg")
                }
                let profile = Profile(trimmed: size.profile, kind: "cpu", periodNanoseconds: size.periodNanoseconds)
                write(try PprofExport.gzipped(profile, startedAt: r.startedAt), base + ".cpu.pb.gz")
                write(Data(FoldedStacks.render(size.profile).utf8), base + ".cpu.folded")
            }
        }
        return files
    }

    /// A scenario or profile name as a file name: letters, digits, `.`, `-`
    /// and `_` kept, anything else (`/` among them) as `_`.
    public static func fileName(_ name: String) -> String {
        let safe = String(name.unicodeScalars.map { c -> Character in
            c.isASCII && (c.properties.isAlphabetic || ("0"..."9").contains(c) || "._-".unicodeScalars.contains(c))
                ? Character(c) : "_"
        })
        return safe.isEmpty || safe.hasPrefix(".") ? "_" + safe : safe
    }
}

extension FoldedStacks {
    /// A merged, trimmed profile in the folded format (its stacks are thread first already).
    public static func render(_ profile: TrimmedProfile) -> String {
        var lines: [String: UInt64] = [:]
        for stack in profile.stacks where stack.value > 0 {
            lines[stack.frames.map(clean).joined(separator: ";"), default: 0] += stack.value
        }
        return lines.keys.sorted().map { "\($0) \(lines[$0]!)\n" }.joined()
    }
}
