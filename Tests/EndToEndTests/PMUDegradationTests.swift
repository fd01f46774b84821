import Analysis
import Foundation
import Model
import Reports
import Testing
import TestSupport

/// What `flamegate doctor` says about the hardware PMU on this machine.
enum DoctorPMU {
    /// The doctor line's reason when the PMU is unavailable; nil when it works or doctor cannot run.
    static let unavailable: String? = {
        guard CLI.built, let r = try? CLI.run(["doctor"]),
              let line = r.stdout.split(separator: "\n").first(where: { $0.hasPrefix("hardware PMU") }),
              let range = line.range(of: "unavailable: ") else { return nil }
        return String(line[range.upperBound...])
    }()
}

/// A machine without a hardware PMU, end to end: doctor says why,
/// results, baselines and every report list each hardware metric as
/// unavailable with that reason and never as a number, and an IPC threshold
/// is "not evaluated" and keeps its scenario from passing.
@Suite(.serialized, .enabled(if: Privileges.isRoot && CLI.built && DoctorPMU.unavailable != nil,
                             "needs root, the built binary and a machine without a hardware PMU"))
struct PMUDegradationTests {
    static let ids = HardwareCounters.metrics.map(\.id)

    /// Two scenarios of /bin/true under cpu and pmu, one with an IPC threshold;
    /// wide time thresholds so only IPC can decide their outcome.
    static func workspace() throws -> URL {
        let dir = TestPaths.temporaryDirectory("pmu-e2e")
        let common = "run: {command: [/bin/true]}\nrepetitions: 3\nwarmup: 0\nprobes: [cpu, pmu]\n"
        let wide = "  wall_time: 1000%\n  cpu_time: 1000%\n"
        try ("name: counters\n" + common + "thresholds:\n" + wide + "  ipc: 3%\n")
            .write(to: dir.appendingPathComponent("counters.yaml"), atomically: true, encoding: .utf8)
        try ("name: quiet\n" + common + "thresholds:\n" + wide)
            .write(to: dir.appendingPathComponent("quiet.yaml"), atomically: true, encoding: .utf8)
        return dir
    }

    @Test func doctorSaysWhy() throws {
        let why = try #require(DoctorPMU.unavailable)
        #expect(why.contains("perf_event_open(cycles): "), "the errno perf_event_open gave: \(why)")
        let doctor = try CLI.run(["doctor"])
        let probe = doctor.stdout.split(separator: "\n").first { $0.hasPrefix("probe pmu ") }
        #expect(probe?.hasSuffix("  unavailable: hardware PMU unavailable: \(why)") == true, "\(doctor.stdout)")
    }

    @Test func everyHardwareMetricIsUnavailableAndAnIPCThresholdIsNotEvaluated() throws {
        let dir = try Self.workspace()
        let why = "hardware PMU unavailable: " + (try #require(DoctorPMU.unavailable))
        let baselines = dir.appendingPathComponent("baselines").path
        let update = try CLI.run(["baseline", "update", dir.path, "--baselines", baselines])
        #expect(update.status == 0, "\(update.stdout)\n\(update.stderr)")
        let stored = try JSONFormat.decoder().decode(
            Baseline.self, from: Data(contentsOf: URL(fileURLWithPath: baselines + "/counters.json")))
        for run in stored.sizes.flatMap(\.runs) {
            #expect(Self.ids.allSatisfy { run.unavailable[$0] == why }, "baseline runs say why")
            #expect(!run.metrics.keys.contains { $0.hasPrefix("pmu.") }, "never a zero")
        }

        let results = dir.appendingPathComponent("results.json").path
        let run = try CLI.run(["run", dir.path, "--baselines", baselines, "--json", results])
        #expect(run.status == 0, "\(run.stdout)\n\(run.stderr)")
        // the same results judged against themselves: only the IPC threshold can keep a scenario from passing
        let out = dir.appendingPathComponent("out")
        let files = ["json": out.appendingPathComponent("c.json"), "junit": out.appendingPathComponent("j.xml"),
                     "markdown": out.appendingPathComponent("m.md")]
        let compare = try CLI.run(["compare", results, results, "--output", out.path]
            + files.flatMap { ["--" + $0.key, $0.value.path] })
        #expect(compare.status == 0, "INCONCLUSIVE counts as passed: \(compare.stdout)")
        let strict = try CLI.run(["compare", results, results, "--fail-on-inconclusive"])
        #expect(strict.status == 1, "but does not pass silently")

        let report = try JSONFormat.decoder().decode(RunReport.self, from: Data(contentsOf: files["json"]!))
        let counters = try #require(report.scenarios.first { $0.name == "counters" })
        let quiet = try #require(report.scenarios.first { $0.name == "quiet" })
        #expect(counters.outcome == .inconclusive)
        #expect(quiet.outcome == .pass, "a scenario without an IPC threshold is not disturbed")
        let ipc = try #require(counters.comparison?.metrics.first { $0.metric == Metric.ipc.id })
        #expect(ipc.note == "not evaluated: " + why)
        #expect(ipc.gated && ipc.verdict == .inconclusive && ipc.currentMedian == nil)
        for scenario in [counters, quiet] {
            for run in scenario.run.sizes.flatMap(\.runs) {
                #expect(Self.ids.allSatisfy { run.unavailable[$0] == why })
                #expect(!run.metrics.keys.contains { $0.hasPrefix("pmu.") })
            }
            let rows = scenario.comparison?.metrics.filter { $0.metric.hasPrefix("pmu.") } ?? []
            #expect(Set(rows.map(\.metric)) == Set(Self.ids))
            #expect(rows.allSatisfy { $0.comparison == nil && $0.baselineMedian == nil && $0.currentMedian == nil })
        }
        #expect(quiet.comparison?.metrics.contains { $0.metric.hasPrefix("pmu.") && $0.gated } == false)

        let unmeasured = "unavailable: " + Self.ids.filter { $0 != Metric.ipc.id }.joined(separator: ", ")
        let texts = ["terminal": compare.stdout,
                     "junit": try String(contentsOf: files["junit"]!, encoding: .utf8),
                     "markdown": try String(contentsOf: files["markdown"]!, encoding: .utf8)
                        .replacingOccurrences(of: "\\_", with: "_"),
                     "html": try String(contentsOf: out.appendingPathComponent("report.html"), encoding: .utf8)]
        for (format, text) in texts {
            #expect(text.contains("pmu.ipc"), "\(format) names the IPC threshold")
            #expect(text.contains("not evaluated: hardware PMU unavailable"), "\(format) says why IPC was not evaluated")
            #expect(text.contains(unmeasured), "\(format) lists every other hardware metric as unavailable")
        }
        // no hardware metric is ever printed with a number
        for line in compare.stdout.split(separator: "\n") where line.contains("pmu.") {
            #expect(line.contains("unavailable") || line.contains("not evaluated"), "\(line)")
        }
    }
}
