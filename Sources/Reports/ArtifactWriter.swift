import Analysis
import Foundation
import Model

/// The files `flamegate record -o DIR` and `flamegate run --output DIR`
/// leave for people and tools, each written atomically through ``FileSink``:
///
/// record: `report.html`; per profile kind `KIND.svg` (flame graph),
/// `KIND.pb.gz` (pprof) and `KIND.folded`; `profile.json`.
///
/// run: `report.html`; per scenario and size with a CPU profile
/// `SCENARIO[-SIZE].cpu.svg`, `.cpu-diff.svg` and `.cpu-diff-baseline.svg`
/// (when the baseline has that size), `.cpu.pb.gz` and `.cpu.folded`.
public enum ArtifactWriter {
    /// Writes the files of a recording; returns them in the order written.
    @discardableResult
    public static func writeRecording(_ r: Recording, to dir: URL) throws -> [URL] {
        var written: [URL] = []
        func write(_ data: Data, _ name: String) throws {
            let url = dir.appendingPathComponent(name)
            try FileSink.write(data, to: url)
            written.append(url)
        }
        for profile in r.profiles {
            let kind = fileName(profile.kind)
            try write(Data(FoldedStacks.render(profile).utf8), kind + ".folded")
            if profile.total > 0 {
                let graph = FlameGraph(title: RecordingHTMLReport.heading(profile.kind),
                                       subtitle: r.command.joined(separator: " "),
                                       unit: FlameUnit(unit: profile.unit, periodNanoseconds: profile.periodNanoseconds))
                let svg = graph.render(FlameTree(FlameTree.stacks(profile)), coloring: .palette(.forKind(profile.kind)))
                try write(Data(svg.utf8), kind + ".svg")
            }
            try write(try PprofExport.gzipped(profile, startedAt: r.startedAt, durationSeconds: r.usage.wallSeconds),
                      kind + ".pb.gz")
        }
        try write(try JSONFormat.encoder().encode(r), "profile.json")
        try write(Data(RecordingHTMLReport().render(r).utf8), "report.html")
        return written
    }

    /// Writes the files of a run's report; returns them in the order written.
    @discardableResult
    public static func writeRun(_ r: RunReport, to dir: URL) throws -> [URL] {
        var written: [URL] = []
        func write(_ data: Data, _ name: String) throws {
            let url = dir.appendingPathComponent(name)
            try FileSink.write(data, to: url)
            written.append(url)
        }
        try write(Data(HTMLReport().render(r).utf8), "report.html")
        for scenario in r.scenarios {
            for size in ScenarioFlameGraphs.make(scenario, orientation: .flame) {
                let base = fileName(scenario.name) + (size.size.map { "-\($0)" } ?? "")
                for graph in size.graphs {
                    try write(Data(graph.render(embedded: false).utf8), base + "." + graph.name + ".svg")
                }
                let profile = Profile(trimmed: size.profile, kind: "cpu", periodNanoseconds: size.periodNanoseconds)
                try write(try PprofExport.gzipped(profile, startedAt: r.startedAt), base + ".cpu.pb.gz")
                try write(Data(FoldedStacks.render(size.profile).utf8), base + ".cpu.folded")
            }
        }
        return written
    }

    /// A scenario or profile name as a file name: letters, digits, `.`, `-`
    /// and `_` kept, anything else (`/` among them) as `_`.
    static func fileName(_ name: String) -> String {
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
