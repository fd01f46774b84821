import Analysis
import Foundation
import Model

/// The page of `flamegate record -o DIR` (`report.html`): how the target
/// ended and what it used, then one flame graph per profile in its own palette
/// (CPU warm, off-CPU blue, wall-clock mixed) with its top functions, the
/// probes' metrics, per-thread time, latency histograms, the process tree and
/// every lost-data counter, zero or not. Self-contained like ``HTMLReport``.
public struct RecordingHTMLReport {
    /// Functions listed under each flame graph.
    public var top: Int
    public var orientation: FlameGraph.Orientation

    public init(top: Int = 15, orientation: FlameGraph.Orientation = .flame) {
        self.top = top
        self.orientation = orientation
    }

    /// Profile kinds in the order they are shown, with their headings.
    static let headings: [(kind: String, heading: String)] = [
        ("cpu", "CPU samples"), ("offcpu", "Off-CPU time"), ("wall", "Wall-clock time (on- and off-CPU)"),
        ("offwake", "Wakeups"), ("alloc", "Allocations"), ("leak", "Leaked bytes (outstanding at exit)"),
    ]

    static func heading(_ kind: String) -> String { headings.first { $0.kind == kind }?.heading ?? kind }

    public func render(_ r: Recording) -> String {
        let command = r.command.joined(separator: " ")
        let u = r.usage
        var body = "<header class=\"verdict \(r.exit.code == 0 ? "pass" : "failed")\">\n"
            + "<h1>flamegate record: <code>\(Markup.escape(command))</code></h1>\n"
            + "<p role=\"status\"><strong>\(Markup.escape(r.exit.description))</strong>; wall "
            + Formatting.seconds(u.wallSeconds) + ", user " + Formatting.seconds(u.userSeconds) + ", system "
            + Formatting.seconds(u.systemSeconds) + ", max RSS " + Formatting.kibibytes(Double(u.maxRSSKilobytes)) + "</p>\n"
            + "<p class=\"meta\">flamegate \(Markup.escape(r.flamegateVersion)) · started \(HTMLReport.date(r.startedAt))"
            + (r.cpuFrequencyHz.map { " · CPU sampling at \($0) Hz" } ?? "") + "</p>\n</header>\n<main>\n"
        let unavailable = r.probes.compactMap { p in p.unavailable.map { "probe \(p.probe.rawValue) unavailable: " + $0 } }
        if !unavailable.isEmpty {
            body += "<ul class=\"notices\">\n" + unavailable.map { "<li>\(Markup.escape($0))</li>\n" }.joined() + "</ul>\n"
        }
        let order = Self.headings.map(\.kind)
        let profiles = r.profiles.sorted { (order.firstIndex(of: $0.kind) ?? order.count, $0.kind)
            < (order.firstIndex(of: $1.kind) ?? order.count, $1.kind) }
        for profile in profiles { body += section(profile) }
        body += metrics(r) + threads(r.threadTimes) + histograms(r.histograms) + processes(r.processes)
        body += HTMLPage.details("Probe cost", level: 2, open: false, cost(r))
        body += HTMLPage.details("Lost data", level: 2, open: r.lost.contains { $0.count > 0 }, lost(r.lost))
        return HTMLPage.render(title: "flamegate record: " + command, body: body + "</main>\n")
    }

    func section(_ profile: Profile) -> String {
        let unit = FlameUnit(unit: profile.unit, periodNanoseconds: profile.periodNanoseconds)
        let heading = Self.heading(profile.kind)
        let resolution = profile.frameResolution
        var content = "<p>Total \(Markup.escape(unit.describe(profile.total))) in \(profile.samples.count) stacks; "
            + "unknown frames: \(pct(resolution.unresolved, resolution.frames)) "
            + "(\(resolution.unresolved) of \(resolution.frames)).</p>\n"
        guard profile.total > 0 else {
            return HTMLPage.details(heading, level: 2, open: true, content + "<p>Nothing was recorded.</p>\n")
        }
        content += HTMLPage.searchForm("Search functions")
        let graph = FlameGraph(title: heading, subtitle: profile.kind == "wall" ? "warm: mostly on the CPU, "
                                   + "blue: mostly waiting" : nil,
                               unit: unit, orientation: orientation, embedded: true)
        content += HTMLReport.figure(graph.render(FlameTree(FlameTree.stacks(profile)),
                                                  coloring: .palette(.forKind(profile.kind))),
                                     caption: "Stacks of the \(profile.kind) profile, thread first; wider is more.")
        let costs = profile.functionCosts()
        let bySelf = costs.filter { $0.selfValue > 0 }.sorted { ($0.selfValue, $1.name) > ($1.selfValue, $0.name) }
        content += functionTable("Top functions by self value", Array(bySelf.prefix(top)), profile: profile, unit: unit)
        content += functionTable("Top functions by inclusive value", Array(costs.prefix(top)), profile: profile,
                                 unit: unit)
        return HTMLPage.details(heading, level: 2, open: true, content)
    }

    func functionTable(_ caption: String, _ rows: [FunctionCost], profile: Profile, unit: FlameUnit) -> String {
        let total = profile.total
        return HTMLPage.table(caption: caption, headers: ["self", "share", "inclusive", "share", "function", "module"],
                              rows: rows.map { c in
            [.number(unit.describe(c.selfValue)), .number(pct(c.selfValue, total)),
             .number(unit.describe(c.inclusiveValue)), .number(pct(c.inclusiveValue, total)),
             HTMLPage.Cell("<code>\(Markup.escape(c.name))</code>", raw: true), HTMLPage.Cell(c.module)]
        })
    }

    func metrics(_ r: Recording) -> String {
        guard !r.metrics.isEmpty || !r.unavailable.isEmpty else { return "" }
        var rows = Metric.ordered(Set(r.metrics.keys)).map { id -> [HTMLPage.Cell] in
            let metric = Metric.named(id)
            return [HTMLPage.Cell("<code>\(Markup.escape(id))</code>", raw: true),
                    .number(Formatting.quantity(r.metrics[id], unit: metric?.unit ?? "")),
                    HTMLPage.Cell(metric?.description ?? "")]
        }
        rows += r.unavailable.sorted { $0.key < $1.key }.map { id, why in
            [HTMLPage.Cell("<code>\(Markup.escape(id))</code>", raw: true), "unavailable", HTMLPage.Cell(why)]
        }
        return HTMLPage.details("Probe metrics", level: 2, open: true,
                                HTMLPage.table(headers: ["metric", "value", "meaning"], rows: rows))
    }

    func threads(_ times: [ThreadTime]) -> String {
        guard !times.isEmpty else { return "" }
        let rows = times.map { t -> [HTMLPage.Cell] in
            let off = t.offCPUSeconds.values.reduce(0, +)
            let states = t.offCPUSeconds.sorted { $0.value > $1.value }
                .map { "\($0.key) \(Formatting.seconds($0.value))" }.joined(separator: ", ")
            return [.number(String(t.tid)), HTMLPage.Cell(t.name), .number(t.wallSeconds.map(Formatting.seconds) ?? "-"),
                    .number(Formatting.seconds(t.cpuSeconds)), .number(Formatting.seconds(off)), HTMLPage.Cell(states)]
        }
        return HTMLPage.details("Threads: total = CPU + off-CPU", level: 2, open: false,
                                HTMLPage.table(headers: ["tid", "thread", "lifetime", "on CPU", "off CPU", "waiting in"],
                                               rows: rows))
    }

    func histograms(_ histograms: [NamedHistogram]) -> String {
        let shown = histograms.filter { $0.histogram.count > 0 }
        guard !shown.isEmpty else { return "" }
        let charts = shown.map { h in HTMLReport.figure(HistogramChart(histogram: h).render(),
                                                        caption: "Counts per power of two of latency.") }
        return HTMLPage.details("Latency histograms", level: 2, open: true, charts.joined())
    }

    func processes(_ processes: [ProcessRecord]) -> String {
        guard !processes.isEmpty else { return "" }
        let rows = processes.map { p -> [HTMLPage.Cell] in
            [.number(String(p.pid)), .number(p.parentPid.map(String.init) ?? "-"),
             HTMLPage.Cell(p.names.joined(separator: " → ")), .number(String(p.threads.count)),
             .number(Formatting.seconds(p.startSeconds)), .number(p.endSeconds.map(Formatting.seconds) ?? "-"),
             .number(p.peakRSSKilobytes.map { Formatting.kibibytes(Double($0)) } ?? "-")]
        }
        return HTMLPage.details("Processes", level: 2, open: false,
                                HTMLPage.table(headers: ["pid", "parent", "program", "threads", "start", "end", "peak RSS"],
                                               rows: rows))
    }

    func cost(_ r: Recording) -> String {
        let rows = ProbeCostText.rows(r)
        return "<p>\(Markup.escape(ProbeCostText.summary(r)))</p>\n" + (rows.isEmpty ? "" :
            HTMLPage.table(headers: ["probe", "runs", "per run", "CPU time"], rows: rows.map { row in
                [HTMLPage.Cell(row.probe), .number(row.runs), .number(row.perRun), .number(row.seconds)]
            }))
    }

    func lost(_ counters: [LostCounter]) -> String {
        guard !counters.isEmpty else { return "<p>No lost-data counters were reported.</p>\n" }
        return HTMLPage.table(headers: ["counter", "lost", "meaning"], rows: counters.map { c in
            [HTMLPage.Cell("<code>\(Markup.escape(c.source + "." + c.name))</code>", raw: true),
             .number(FlameUnit.grouped(c.count)), HTMLPage.Cell(c.meaning)]
        })
    }
}
