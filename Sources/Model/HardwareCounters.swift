/// A hardware event the pmu probe counts: perf's generic `PERF_TYPE_HARDWARE`
/// events, with the names `perf list` gives them.
public enum HardwareCounter: String, CaseIterable, Sendable {
    case cycles
    case instructions
    case cacheReferences = "cache-references"
    case cacheMisses = "cache-misses"
    case branches = "branch-instructions"
    case branchMisses = "branch-misses"
    case stalledCyclesFrontend = "stalled-cycles-frontend"
    case stalledCyclesBackend = "stalled-cycles-backend"

    /// The metric holding its (scaled) count.
    public var metric: Metric {
        switch self {
        case .cycles: return .cycles
        case .instructions: return .instructions
        case .cacheReferences: return .cacheReferences
        case .cacheMisses: return .cacheMisses
        case .branches: return .branches
        case .branchMisses: return .branchMisses
        case .stalledCyclesFrontend: return .stalledCyclesFrontend
        case .stalledCyclesBackend: return .stalledCyclesBackend
        }
    }
}

/// What read(2) gives for a counting perf event opened with
/// `PERF_FORMAT_TOTAL_TIME_ENABLED | PERF_FORMAT_TOTAL_TIME_RUNNING`, summed
/// over the threads and children it was inherited by.
public struct CounterReading: Sendable, Equatable {
    public var value: UInt64
    /// Nanoseconds counting was wanted.
    public var timeEnabled: UInt64
    /// Nanoseconds the event actually held a hardware counter: less than
    /// `timeEnabled` when the kernel multiplexed more events than the PMU has counters.
    public var timeRunning: UInt64

    public init(value: UInt64, timeEnabled: UInt64, timeRunning: UInt64) {
        self.value = value
        self.timeEnabled = timeEnabled
        self.timeRunning = timeRunning
    }

    /// The count over the whole enabled time, as `perf stat` estimates it:
    /// value × enabled / running, reporting that factor. An event that never
    /// held a counter has no estimate (perf's `<not counted>`), never 0.
    public func estimate(of counter: HardwareCounter) -> CounterEstimate {
        guard timeRunning > 0 else {
            return .unavailable(timeEnabled == 0
                ? "\(counter.rawValue) was never enabled: the target did not run after exec"
                : "\(counter.rawValue) never got a hardware counter in the \(timeEnabled / 1_000_000) ms it was "
                    + "enabled (the PMU was busy with other events)")
        }
        let scaling = max(1, Double(timeEnabled) / Double(timeRunning))
        return .counted(value: Double(value) * scaling, scaling: scaling)
    }
}

/// One counter's outcome: an estimated count with the factor it was scaled
/// by, or why there is none.
public enum CounterEstimate: Sendable, Equatable {
    case counted(value: Double, scaling: Double)
    case unavailable(String)
}

/// The pmu probe's metrics from its counters: each count, instructions per
/// cycle, cache- and branch-miss rates and the largest scaling factor. What
/// cannot be computed is listed with the reason instead ("unavailable:
/// reason", never 0): a counter the PMU refused, one that never ran, or a
/// rate whose denominator counted nothing.
public enum HardwareCounters {
    /// Every metric the pmu probe reports, counts first.
    public static let metrics: [Metric] = HardwareCounter.allCases.map(\.metric)
        + [.ipc, .cacheMissRate, .branchMissRate, .counterScaling]

    /// Values and reasons from the counters' estimates; a counter missing
    /// from `estimates` is unavailable as "not counted".
    public static func measure(_ estimates: [HardwareCounter: CounterEstimate])
        -> (metrics: [String: Double], unavailable: [String: String]) {
        var values: [String: Double] = [:]
        var unavailable: [String: String] = [:]
        func record(_ metric: Metric, _ result: Result<Double, Reason>) {
            switch result {
            case let .success(value): values[metric.id] = value
            case let .failure(reason): unavailable[metric.id] = reason.text
            }
        }
        func count(_ counter: HardwareCounter) -> Result<Double, Reason> {
            switch estimates[counter] ?? .unavailable("\(counter.rawValue) was not counted") {
            case let .counted(value, _): return .success(value)
            case let .unavailable(why): return .failure(Reason(why))
            }
        }
        for counter in HardwareCounter.allCases { record(counter.metric, count(counter)) }
        record(.ipc, ratio(count(.instructions), count(.cycles), denominator: .cycles))
        record(.cacheMissRate, ratio(count(.cacheMisses), count(.cacheReferences), denominator: .cacheReferences))
        record(.branchMissRate, ratio(count(.branchMisses), count(.branches), denominator: .branches))
        let scalings = estimates.values.compactMap { e -> Double? in
            if case let .counted(_, scaling) = e { return scaling }
            return nil
        }
        record(.counterScaling, scalings.max().map { .success($0) }
            ?? .failure(Reason("no hardware counter counted")))
        return (values, unavailable)
    }

    /// Every metric unavailable for one reason: the machine has no usable PMU.
    public static func unavailable(_ reason: String) -> [String: String] {
        Dictionary(uniqueKeysWithValues: metrics.map { ($0.id, reason) })
    }

    /// numerator / denominator; the first missing count's reason, or a zero denominator's.
    static func ratio(_ numerator: Result<Double, Reason>, _ denominator: Result<Double, Reason>,
                      denominator counter: HardwareCounter) -> Result<Double, Reason> {
        switch (numerator, denominator) {
        case let (.failure(why), _), let (_, .failure(why)):
            return .failure(why)
        case let (.success(n), .success(d)):
            return d > 0 ? .success(n / d) : .failure(Reason("no \(counter.rawValue) were counted"))
        }
    }

    struct Reason: Error {
        let text: String
        init(_ text: String) { self.text = text }
    }
}

extension Metric {
    public static let cycles = Metric(id: "pmu.cycles", unit: "count", threshold: nil,
                                      description: "CPU cycles of the tracked tree (hardware counter)")
    public static let instructions = Metric(id: "pmu.instructions", unit: "count", threshold: nil,
                                            description: "instructions retired by the tracked tree")
    public static let cacheReferences = Metric(id: "pmu.cache_references", unit: "count", threshold: nil,
                                               description: "last-level cache accesses")
    public static let cacheMisses = Metric(id: "pmu.cache_misses", unit: "count", threshold: nil,
                                           description: "last-level cache misses")
    public static let branches = Metric(id: "pmu.branches", unit: "count", threshold: nil,
                                        description: "branch instructions retired")
    public static let branchMisses = Metric(id: "pmu.branch_misses", unit: "count", threshold: nil,
                                            description: "mispredicted branches")
    public static let stalledCyclesFrontend = Metric(id: "pmu.stalled_cycles_frontend", unit: "count", threshold: nil,
                                                     description: "cycles the frontend issued nothing (where offered)")
    public static let stalledCyclesBackend = Metric(id: "pmu.stalled_cycles_backend", unit: "count", threshold: nil,
                                                    description: "cycles the backend retired nothing (where offered)")
    public static let ipc = Metric(id: "pmu.ipc", unit: "", threshold: .ipc,
                                   description: "instructions per cycle; a fall beyond thresholds.ipc regresses",
                                   higherIsBetter: true)
    public static let cacheMissRate = Metric(id: "pmu.cache_miss_rate", unit: "", threshold: nil,
                                             description: "cache misses per cache reference")
    public static let branchMissRate = Metric(id: "pmu.branch_miss_rate", unit: "", threshold: nil,
                                              description: "mispredicted branches per branch")
    public static let counterScaling = Metric(id: "pmu.scaling", unit: "×", threshold: nil,
                                              description: "largest factor a counter was scaled by (time enabled / "
                                                  + "time running; 1 when no counter was multiplexed)")
}
