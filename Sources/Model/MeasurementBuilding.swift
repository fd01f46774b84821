/// Turning a recording into the comparable values of one run.
extension RunMeasurement {
    /// Functions below this share of a run's samples are dropped from the
    /// stored measurement (they can neither pass the ≥ 20-sample test rule nor
    /// matter to a verdict) to keep results and baselines small.
    public static let minimumFunctionShare = 0.001
    /// Threads kept per run, by CPU time.
    public static let storedThreads = 16
    /// Leak candidates kept per run, by bytes.
    public static let storedLeaks = 5

    public init(recording r: Recording) {
        var metrics: [String: Double] = [
            Metric.wallTime.id: r.usage.wallSeconds,
            Metric.cpuTime.id: r.usage.userSeconds + r.usage.systemSeconds,
            Metric.maxRSS.id: Double(r.usage.maxRSSKilobytes),
            Metric.voluntarySwitches.id: Double(r.usage.voluntaryContextSwitches),
            Metric.involuntarySwitches.id: Double(r.usage.involuntaryContextSwitches),
        ]
        metrics.merge(r.metrics) { $1 }
        if let off = r.profile("offcpu") {
            let waits = off.waitSeconds()
            for category in WaitCategory.allCases { metrics[category.metricID] = waits[category] ?? 0 }
        }
        metrics = metrics.filter { $0.value.isFinite }
        let cpu = r.profile("cpu")
        let total = cpu?.total ?? 0
        let floor = max(2, UInt64(Double(total) * Self.minimumFunctionShare))
        let functions = (cpu?.functionCosts() ?? [])
            .filter { $0.inclusiveValue >= floor }
            .map { FunctionSamples(name: $0.name, module: $0.module, selfSamples: $0.selfValue,
                                   inclusiveSamples: $0.inclusiveValue) }
        let busiest = r.threadTimes.sorted { ($0.cpuSeconds, $1.tid) > ($1.cpuSeconds, $0.tid) }
            .prefix(Self.storedThreads)
        self.init(metrics: metrics, unavailable: r.unavailable, exit: r.exit, cpuSamples: total,
                  cpuPeriodNanoseconds: cpu?.periodNanoseconds, functions: functions,
                  lost: r.lost.filter { $0.count > 0 }, threads: r.threadTimes.isEmpty ? nil : Array(busiest))
        leaks = r.allocations.map { a in
            Dictionary(a.leaks.prefix(Self.storedLeaks).map { ($0.path, $0.bytes) }) { $0 + $1 }
        }
        retained = r.allocations?.retained.map { paths in
            Dictionary(paths.prefix(Self.storedLeaks).map { ($0.path, RetainedPath(peakBytes: $0.bytes, calls: $0.calls)) }) {
                RetainedPath(peakBytes: $0.peakBytes + $1.peakBytes, calls: $0.calls + $1.calls)
            }
        }
    }
}

extension TrimmedProfile {
    /// Sums the profiles' stacks (as folded frame names, thread first) and
    /// keeps the `keep` heaviest, the rest summed into one `[other]` stack.
    /// Ties break by frames so the file is stable.
    public static func merge(_ profiles: [Profile], keep: Int = 200) -> TrimmedProfile? {
        guard let first = profiles.first else { return nil }
        var sums: [[String]: UInt64] = [:]
        for profile in profiles {
            for sample in profile.samples where sample.value > 0 {
                let frames = [sample.thread] + sample.frames.map { profile.frames[$0].name }
                sums[frames, default: 0] += sample.value
            }
        }
        let sorted = sums.sorted { a, b in
            a.value != b.value ? a.value > b.value : a.key.lexicographicallyPrecedes(b.key)
        }
        var stacks = sorted.prefix(keep).map { Stack(frames: $0.key, value: $0.value) }
        let rest = sorted.dropFirst(keep).reduce(UInt64(0)) { $0 + $1.value }
        if rest > 0 { stacks.append(Stack(frames: [otherFrame], value: rest)) }
        return TrimmedProfile(unit: first.unit, stacks: stacks)
    }

    public var total: UInt64 { stacks.reduce(0) { $0 + $1.value } }
}
