import Model
import Testing

/// Counter maths of the pmu probe from recorded read(2) values.
@Suite struct HardwareCountersTests {
    /// {value, time_enabled, time_running} as read from the events.
    static func read(_ value: UInt64, enabled: UInt64, running: UInt64) -> CounterReading {
        CounterReading(value: value, timeEnabled: enabled, timeRunning: running)
    }

    @Test func aCounterThatRanThroughoutIsNotScaled() {
        #expect(Self.read(1_234_567, enabled: 5_000_000, running: 5_000_000).estimate(of: .cycles)
            == .counted(value: 1_234_567, scaling: 1))
    }

    @Test func aMultiplexedCounterIsScaledByEnabledOverRunning() {
        // on the PMU a quarter of the time: 300 counted stands for 1200
        #expect(Self.read(300, enabled: 1_000_000, running: 250_000).estimate(of: .cacheMisses)
            == .counted(value: 1200, scaling: 4))
        // 2,000,000 counted in 60% of 10 ms
        guard case let .counted(value, scaling) = Self.read(2_000_000, enabled: 10_000_000, running: 6_000_000)
            .estimate(of: .instructions) else { Issue.record("counted"); return }
        #expect(abs(value - 3_333_333.33) < 0.01)
        #expect(abs(scaling - 5.0 / 3) < 1e-12)
    }

    @Test func aCounterThatNeverRanIsUnavailableNotZero() {
        #expect(Self.read(0, enabled: 42_000_000, running: 0).estimate(of: .cycles)
            == .unavailable("cycles never got a hardware counter in the 42 ms it was enabled "
                + "(the PMU was busy with other events)"))
        #expect(Self.read(0, enabled: 0, running: 0).estimate(of: .instructions)
            == .unavailable("instructions was never enabled: the target did not run after exec"))
    }

    @Test func ratiosComeFromScaledCounts() {
        // {cycles, instructions} share a group: the same time on the PMU, so the same scaling
        let (metrics, unavailable) = HardwareCounters.measure([
            .cycles: Self.read(1_000_000, enabled: 9_000, running: 3_000).estimate(of: .cycles),
            .instructions: Self.read(2_500_000, enabled: 9_000, running: 3_000).estimate(of: .instructions),
            .cacheReferences: Self.read(40_000, enabled: 9_000, running: 9_000).estimate(of: .cacheReferences),
            .cacheMisses: Self.read(5_000, enabled: 9_000, running: 4_500).estimate(of: .cacheMisses),
            .branches: .counted(value: 400_000, scaling: 1),
            .branchMisses: .counted(value: 2_000, scaling: 1),
            .stalledCyclesFrontend: .counted(value: 10, scaling: 1),
            .stalledCyclesBackend: .counted(value: 20, scaling: 1),
        ])
        #expect(unavailable.isEmpty)
        #expect(metrics[Metric.cycles.id] == 3_000_000)
        #expect(metrics[Metric.instructions.id] == 7_500_000)
        #expect(metrics[Metric.ipc.id] == 2.5)
        #expect(metrics[Metric.cacheMissRate.id] == 0.25, "10,000 scaled misses of 40,000 references")
        #expect(metrics[Metric.branchMissRate.id] == 0.005)
        #expect(metrics[Metric.counterScaling.id] == 3, "the largest factor")
        #expect(Set(metrics.keys) == Set(HardwareCounters.metrics.map(\.id)))
    }

    @Test func aMissingCounterMakesItsRatesUnavailableWithItsReason() {
        let refused = "perf_event_open(stalled-cycles-frontend): No such file or directory (not offered by this PMU)"
        let (metrics, unavailable) = HardwareCounters.measure([
            .cycles: .counted(value: 0, scaling: 1),
            .instructions: .counted(value: 100, scaling: 1),
            .cacheReferences: .counted(value: 100, scaling: 1),
            .cacheMisses: .unavailable("cache-misses never got a hardware counter"),
            .branches: .counted(value: 10, scaling: 2),
            .branchMisses: .counted(value: 1, scaling: 2),
            .stalledCyclesFrontend: .unavailable(refused),
        ])
        #expect(unavailable[Metric.stalledCyclesFrontend.id] == refused)
        #expect(unavailable[Metric.stalledCyclesBackend.id] == "stalled-cycles-backend was not counted")
        #expect(unavailable[Metric.ipc.id] == "no cycles were counted", "never a division by zero")
        #expect(unavailable[Metric.cacheMissRate.id] == "cache-misses never got a hardware counter")
        #expect(metrics[Metric.cycles.id] == 0, "a counted zero is a value")
        #expect(metrics[Metric.branchMissRate.id] == 0.1)
        #expect(metrics[Metric.counterScaling.id] == 2)
        #expect(Set(metrics.keys).isDisjoint(with: unavailable.keys))
        #expect(Set(metrics.keys).union(unavailable.keys) == Set(HardwareCounters.metrics.map(\.id)))
    }

    @Test func nothingCountedLeavesNoValueAtAll() {
        let (metrics, unavailable) = HardwareCounters.measure([:])
        #expect(metrics.isEmpty)
        #expect(unavailable[Metric.counterScaling.id] == "no hardware counter counted")
        #expect(unavailable.count == HardwareCounters.metrics.count)
    }

    @Test func noPMUMarksEveryMetricWithTheReason() {
        let why = "hardware PMU unavailable: no PMU device in /sys/bus/event_source/devices"
        let unavailable = HardwareCounters.unavailable(why)
        #expect(unavailable.count == 12)
        #expect(unavailable.values.allSatisfy { $0 == why })
    }

    @Test func metricsAreInTheCatalogAndOnlyIPCGates() {
        for metric in HardwareCounters.metrics { #expect(Metric.named(metric.id) == metric) }
        #expect(HardwareCounters.metrics.filter { $0.threshold != nil } == [Metric.ipc])
        #expect(Metric.ipc.threshold == .ipc && Metric.ipc.higherIsBetter)
        #expect(Thresholds().tau(.ipc) == 0.02)
    }
}
