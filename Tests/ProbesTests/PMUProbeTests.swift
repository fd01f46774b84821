import CFlamegateBPF
import Foundation
import Model
import Testing
import TestSupport
@testable import Harness
@testable import Probes

/// Whether this machine can count hardware events, and why not.
enum HardwarePMU {
    static let unavailable = Capabilities.check(.hardwarePMU).unavailable
    static var skipReason: Comment {
        Comment(rawValue: "needs root and a hardware PMU; here: " + (unavailable ?? "ok"))
    }
}

/// The pmu probe's counting on real process trees.
@Suite(.serialized, .enabled(if: Privileges.isRoot, "needs root to track the target (CI runs as root)"))
struct PMUProbeTests {
    /// Runs `command` held before exec under `probe`, like the recorder does.
    static func count(_ command: [String], _ probe: PMUProbe) throws -> (data: ProbeData, cpuSeconds: Double) {
        let dir = TestPaths.temporaryDirectory("pmu")
        let tracker = try Tracker()
        let held = try HeldProcess(LaunchSpec(command: command, stdoutPath: dir.appendingPathComponent("out").path,
                                              stderrPath: dir.appendingPathComponent("err").path))
        try tracker.track(pid: held.pid)
        try probe.attach(tracker: tracker)
        try probe.begin(tracker: tracker)
        try held.release()
        var status: Int32 = 0
        var usage = rusage()
        #expect(wait4(held.pid, &status, 0, &usage) == held.pid)
        probe.stop()
        let cpu = Double(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec)
            + Double(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6
        return (try probe.collect(tracker: tracker), cpu)
    }

    static func software(_ counter: HardwareCounter, _ config: perf_sw_ids, group: UInt32) -> PMUProbe.Event {
        PMUProbe.Event(counter: counter, type: PERF_TYPE_SOFTWARE.rawValue, config: UInt64(config.rawValue),
                       group: group)
    }

    /// Software clocks stand in for cycles and instructions, so the plumbing
    /// (opened before exec, enabled by it, inherited by threads and children,
    /// read after they exited, groups whose leader is refused) is checked on
    /// machines without a PMU too.
    @Test func countsTheWholeTreeFromExecOn() throws {
        let refused = PMUProbe.Event(counter: .cacheReferences, type: PERF_TYPE_SOFTWARE.rawValue,
                                     config: 0xFFFF, group: 1)
        let probe = PMUProbe(events: [
            Self.software(.cycles, PERF_COUNT_SW_TASK_CLOCK, group: 0),
            Self.software(.instructions, PERF_COUNT_SW_CPU_CLOCK, group: 0),
            refused, Self.software(.cacheMisses, PERF_COUNT_SW_PAGE_FAULTS, group: 1),
        ])
        // the parent burns CPU while its exec'd child runs two spinning threads
        let (data, cpuSeconds) = try Self.count([try Fixtures.c("forkexec").path, try Fixtures.c("spinners").path,
                                                 "2", "200"], probe)
        let taskClock = try #require(data.metrics[Metric.cycles.id]) / 1e9
        #expect(abs(taskClock - cpuSeconds) <= 0.1 * cpuSeconds,
                "task-clock \(taskClock) s over the tree vs \(cpuSeconds) s of CPU from wait4")
        #expect(cpuSeconds > 0.4, "two 200 ms spinners and the parent's loop ran")
        let ratio = try #require(data.metrics[Metric.ipc.id])
        #expect(abs(ratio - 1) < 0.05, "task-clock / cpu-clock of the same tree: \(ratio)")
        #expect(data.metrics[Metric.counterScaling.id] == 1, "software events are never multiplexed")
        #expect((data.metrics[Metric.cacheMisses.id] ?? 0) > 0, "a refused leader's group member still counts")
        #expect(data.unavailable[Metric.cacheReferences.id]?.hasPrefix("perf_event_open(cache-references): ") == true)
        #expect(data.unavailable[Metric.cacheMissRate.id] == data.unavailable[Metric.cacheReferences.id])
        #expect(data.metrics[Metric.cacheReferences.id] == nil && data.metrics[Metric.cacheMissRate.id] == nil)
    }

    @Test func withoutAPMUEveryMetricIsUnavailableWithTheReason() throws {
        let probe = PMUProbe(unavailable: "hardware PMU unavailable: no PMU device")
        let data = try probe.collect(tracker: try Tracker())
        #expect(data.metrics.isEmpty)
        #expect(Set(data.unavailable.keys) == Set(HardwareCounters.metrics.map(\.id)))
        #expect(data.unavailable.values.allSatisfy { $0 == "hardware PMU unavailable: no PMU device" })
    }

    /// The recorder on this machine: hardware counters where a PMU exists, else
    /// each metric unavailable with doctor's reason, even when pmu is named.
    @Test func recordingListsEveryHardwareMetric() throws {
        let dir = TestPaths.temporaryDirectory("pmu-rec")
        let spec = LaunchSpec(command: [try Fixtures.c("spinners").path, "1", "100"],
                              stdoutPath: dir.appendingPathComponent("out").path,
                              stderrPath: dir.appendingPathComponent("err").path)
        let r = try Recorder().record(RecordOptions(launch: spec, probes: [.cpu, .pmu], probesExplicit: true))
        let ids = Set(HardwareCounters.metrics.map(\.id))
        #expect(ids.isSubset(of: Set(r.metrics.keys).union(r.unavailable.keys)), "every hardware metric is listed")
        #expect(Set(r.metrics.keys).isDisjoint(with: r.unavailable.keys))
        if let why = HardwarePMU.unavailable {
            #expect(r.probes.first { $0.probe == .pmu }?.unavailable == "hardware PMU unavailable: \(why)")
            for id in ids { #expect(r.unavailable[id] == "hardware PMU unavailable: \(why)", "\(id)") }
        }
    }

    /// Real counters, checked against `perf stat` counting the same program.
    @Test(.enabled(if: Privileges.isRoot && HardwarePMU.unavailable == nil && Privileges.hasCommand("perf"),
                   HardwarePMU.skipReason))
    func hardwareCountersMatchPerfStat() throws {
        // a fixed loop of 2e8 iterations in the parent plus an exec'd child: a stable instruction count
        let command = [try Fixtures.c("forkexec").path, "/bin/true"]
        let (data, _) = try Self.count(command, PMUProbe())
        let instructions = try #require(data.metrics[Metric.instructions.id])
        let cycles = try #require(data.metrics[Metric.cycles.id])
        let ipc = try #require(data.metrics[Metric.ipc.id])
        #expect(abs(ipc - instructions / cycles) < 1e-9 * ipc)
        #expect(ipc > 0.1 && ipc < 8, "IPC \(ipc)")
        for rate in [Metric.cacheMissRate, Metric.branchMissRate] {
            if let value = data.metrics[rate.id] { #expect(value >= 0 && value <= 1, "\(rate.id) \(value)") }
            else { #expect(data.unavailable[rate.id] != nil, "\(rate.id) is a value or says why not") }
        }
        #expect((data.metrics[Metric.counterScaling.id] ?? 0) >= 1)
        let perf = try Command.check(["/usr/bin/perf", "stat", "-x", ",", "-e", "instructions", "--"] + command).stderr
        let reference = try #require(perf.split(separator: "\n").compactMap { line -> Double? in
            let fields = line.split(separator: ",", omittingEmptySubsequences: false)
            return fields.count > 2 && fields[2].hasPrefix("instructions") ? Double(fields[0]) : nil
        }.first, "perf stat output: \(perf)")
        #expect(abs(instructions - reference) <= 0.05 * reference, "flamegate \(instructions) vs perf \(reference)")
    }
}
