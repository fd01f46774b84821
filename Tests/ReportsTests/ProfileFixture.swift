import Analysis
import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import Model
@testable import Reports

/// Profiles for the flame-graph, pprof and HTML tests: chosen by hand, so
/// golden files change only when the renderers do.
enum ProfileFixture {
    /// Two threads, a kernel frame, names with markup characters and one
    /// name too long for its frame.
    static func cpu() -> Profile {
        var b = ProfileBuilder(kind: "cpu", unit: .samples, periodNanoseconds: 2_004_008)
        func user(_ name: String, _ module: String = "app") -> Int {
            b.intern(Frame(name: name, module: module, kind: .user, resolved: true))
        }
        let main = user("main"), parse = user("parse"), tokenize = user("tokenize")
        let push = user("std::vector<int>::push_back(int&&)", "libstdc++.so.6")
        let write = user("write", "libc.so.6")
        let syscall = b.intern(Frame(name: "do_syscall_64", module: "[kernel]", kind: .kernel, resolved: true))
        let long = user("a_really_long_function_name_that_cannot_fit_in_its_small_frame")
        let unknown = b.intern(Frame(name: "app+0x1234", module: "app", kind: .user, resolved: false))
        let loop = user("worker_loop")
        b.add(StackSample(pid: 100, tid: 100, thread: "app", frames: [main, parse, tokenize], value: 30))
        b.add(StackSample(pid: 100, tid: 100, thread: "app", frames: [main, parse], value: 10))
        b.add(StackSample(pid: 100, tid: 100, thread: "app", frames: [main, parse, push], value: 8))
        b.add(StackSample(pid: 100, tid: 100, thread: "app", frames: [main, write, syscall], value: 5))
        b.add(StackSample(pid: 100, tid: 100, thread: "app", frames: [main, long], value: 2))
        b.add(StackSample(pid: 100, tid: 101, thread: "worker", frames: [loop, unknown], value: 20))
        b.add(StackSample(pid: 100, tid: 101, thread: "worker", frames: [loop], value: 25))
        return b.profile
    }

    /// Off-CPU time (ns) ending in state markers.
    static func offCPU() -> Profile {
        var b = ProfileBuilder(kind: "offcpu", unit: .nanoseconds)
        let main = b.intern(Frame(name: "main", module: "app", kind: .user, resolved: true))
        let sleep = b.intern(Frame(name: "nanosleep", module: "libc.so.6", kind: .user, resolved: true))
        let marker = b.intern(Frame(name: "[off-cpu: sleeping]", module: "[flamegate]", kind: .marker, resolved: true))
        b.add(StackSample(pid: 100, tid: 100, thread: "app", frames: [main, sleep, marker], value: 250_000_000))
        return b.profile
    }

    static func stacks(_ list: [(String, UInt64)]) -> [FlameTree.Stack] {
        list.map { (String($0.0).split(separator: ";").map(String.init), $0.1) }
    }

    static func trimmed(_ list: [(String, UInt64)]) -> TrimmedProfile {
        TrimmedProfile(unit: .samples, stacks: stacks(list).map { .init(frames: $0.frames, value: $0.value) })
    }

    /// The merged CPU profile of the regressed scenario: `hot_function` grew,
    /// `new_helper` appeared and `old_helper` went away.
    static let current = trimmed([
        ("parse;main;read_input", 80), ("parse;main;parse_request;hot_function", 526),
        ("parse;main;parse_request;alloc_node;malloc", 46), ("parse;main;new_helper", 19), ("[other]", 5),
    ])
    static let baseline = trimmed([
        ("parse;main;read_input", 80), ("parse;main;parse_request;hot_function", 401),
        ("parse;main;parse_request;alloc_node;malloc", 40), ("parse;main;old_helper", 30), ("[other]", 5),
    ])

    /// RunReportFixture's report with profiles on the regressed scenario, the
    /// recording's histograms nowhere, and a sixth scenario sweeping four
    /// sizes with quadratic wall time (for the complexity plot).
    static func runReport() -> RunReport {
        var report = RunReportFixture.report()
        let regressed = report.scenarios.firstIndex { $0.name == "parse-request" }!
        report.scenarios[regressed].run.sizes[0].cpuProfile = current
        report.scenarios[regressed].baselineProfiles = [SizedProfile(size: nil, profile: baseline)]
        report.scenarios[regressed].run.sizes[0].runs[0].lost = [
            LostCounter(source: "cpu", name: "dropped_samples", count: 12, meaning: "samples the kernel could not store"),
        ]
        report.scenarios.append(quadratic())
        return report
    }

    static func quadratic() -> ScenarioReport {
        let sizes = [1000, 2000, 4000, 8000].map { n -> SizeResult in
            let base = 0.05 * pow(Double(n) / 1000, 2)
            let runs = (0..<5).map { i in
                RunMeasurement(metrics: ["wall_time": base * (1 + 0.01 * Double(i))], exit: TargetExit(code: 0),
                               cpuSamples: 100, cpuPeriodNanoseconds: 2_004_008, functions: [], lost: [])
            }
            return SizeResult(size: n, runs: runs, cpuProfile: n == 8000 ? current : nil)
        }
        let run = RunReportFixture.scenarioRun("sort-items", file: "scenarios/sort.yaml", sizes: sizes)
        return RunReportFixture.scenario(run, ScenarioComparison(metrics: [], functions: []), .pass,
                                         warnings: [])
    }

    /// A recording with cpu and offcpu profiles, a histogram and lost data.
    static func recording() -> Recording {
        var slots = [UInt64](repeating: 0, count: LatencyHistogram.slotCount)
        for (value, count) in [(50_000 as UInt64, 10 as UInt64), (120_000, 40), (900_000, 5), (3_000_000, 1)] {
            slots[LatencyHistogram.slot(of: value)] += count
        }
        let histogram = NamedHistogram(probe: "io", name: "block.vda.write",
                                       histogram: LatencyHistogram(slots: slots, count: 56, sumNanoseconds: 12_400_000))
        return Recording(
            flamegateVersion: "0.1.0", command: ["./app", "--items", "<1000>"],
            startedAt: Date(timeIntervalSince1970: 1_700_000_000),
            usage: ResourceUsage(wallSeconds: 0.5, userSeconds: 0.2, systemSeconds: 0.05, maxRSSKilobytes: 4096,
                                 voluntaryContextSwitches: 3, involuntaryContextSwitches: 1),
            exit: TargetExit(code: 0), probes: [ProbeStatus(probe: .cpu), ProbeStatus(probe: .pmu, unavailable: "no PMU")],
            cpuFrequencyHz: 499, profiles: [cpu(), offCPU()],
            processes: [ProcessRecord(pid: 100, parentPid: nil, names: ["app"], executables: ["./app"],
                                      threads: [ThreadRecord(tid: 100, name: "app"), ThreadRecord(tid: 101, name: "worker")],
                                      startSeconds: 0, endSeconds: 0.5, exitStatus: 0)],
            histograms: [histogram],
            lost: [LostCounter(source: "cpu", name: "dropped_samples", count: 0, meaning: "samples lost"),
                   LostCounter(source: "symbols", name: "unknown_frames", count: 20, meaning: "frames without a symbol")])
    }
}

/// Frames of a rendered flame graph, read back with an XML parser.
struct SVGFrames {
    struct Frame {
        var name: String
        var fill: String
        var x: Double
        var width: Double
        var y: Double
        var label: String
    }

    var frames: [Frame]

    init(_ svg: String) throws {
        let doc = try XMLDocument(xmlString: svg, options: [])
        frames = try doc.nodes(forXPath: "//*[local-name()='g'][@class='fg-f']").compactMap { node in
            // children are in the SVG namespace: match on local names
            func child(_ name: String) -> XMLElement? {
                (node.children ?? []).lazy.compactMap { $0 as? XMLElement }.first { $0.localName == name }
            }
            guard let title = child("title")?.stringValue, let rect = child("rect"), let text = child("text") else {
                return nil
            }
            // attribute(forName:) misses attributes of namespaced elements in corelibs Foundation
            func attribute(_ name: String) -> String { rect.attributes?.first { $0.name == name }?.stringValue ?? "" }
            func number(_ name: String) -> Double { Double(attribute(name)) ?? .nan }
            return Frame(name: String(title.prefix { $0 != "\n" }), fill: attribute("fill"),
                         x: number("x"), width: number("width"), y: number("y"), label: text.stringValue ?? "")
        }
    }

    func named(_ name: String) -> [Frame] { frames.filter { $0.name == name } }
}
