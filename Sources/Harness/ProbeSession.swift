import Foundation
import Model
import Probes

/// The tracker and the probes of one recording session, opened, loaded and
/// attached once and reused by every run whose settings are the same: per
/// run only the maps are emptied and the new process tree tracked.
/// Opening and closing costs tens of milliseconds per probe (a uprobe's
/// detach waits for an SRCU grace period, 0.1–0.2 s each on a small VM),
/// which repetitions of a scenario used to pay every time.
///
/// Everything it opens is a file descriptor with O_CLOEXEC (libbpf's BPF and
/// perf FDs, our own perf events): targets never inherit one, and when the
/// flamegate process ends, however it ends, the kernel detaches it all.
final class ProbeSession {
    /// What decides which programs are loaded and how; runs whose settings
    /// differ get a new session.
    struct Settings: Equatable {
        enum AllocDecision: Equatable {
            case planned(AllocPlan)
            case impossible(String)
        }

        var probes: [ProbeName]
        var probesExplicit: Bool
        var frequencyHz: UInt32
        var limits: ProbeLimits
        var minimumBlockNanoseconds: UInt64
        /// More runs with these settings follow (see `Recorder.repeated`).
        var repeated: Bool
        /// nil when the alloc probe is not asked for.
        var allocPlan: AllocDecision?

        init(_ options: RecordOptions, repeated: Bool) throws {
            self.repeated = repeated
            probes = options.probes.sorted()
            probesExplicit = options.probesExplicit
            frequencyHz = options.frequencyHz
            limits = options.limits
            minimumBlockNanoseconds = options.minimumBlockNanoseconds
            guard probes.contains(.alloc), ProbeRegistry.status(.alloc).unavailable == nil else {
                allocPlan = nil
                return
            }
            do {
                allocPlan = .planned(try AllocPlanner.plan(options.alloc, launch: options.launch))
            } catch let error as ProbeError {
                allocPlan = .impossible(error.description)
            }
        }
    }

    let settings: Settings
    let tracker: Tracker
    let probes: [Probe]
    let statuses: [ProbeStatus]
    /// The kernel's BPF run-time statistics, on for the session's life (the
    /// descriptor), or why they are not.
    private let costStatistics: Result<Int32, Error>
    /// What every program had cost when the current run began.
    private var costsAtStart: [String: ProbeCost] = [:]

    init(_ settings: Settings) throws {
        self.settings = settings
        // on before any program loads, so every run of them is counted
        costStatistics = Result { try Tracker.enableCostStatistics() }
        do {
            (probes, statuses) = try ProbeRegistry.make(settings)
            tracker = try Tracker(maxTracked: settings.limits.processes, maxStacks: settings.limits.stacks)
            for probe in probes { try probe.attach(tracker: tracker) }
        } catch {
            if case let .success(fd) = costStatistics { close(fd) }
            throw error
        }
    }

    deinit {
        if case let .success(fd) = costStatistics { close(fd) }
    }

    /// Before a run: every map emptied, nothing tracked.
    func beginRun() throws {
        try tracker.reset()
        for probe in probes { try probe.reset() }
        costsAtStart = Dictionary(allCosts().map { ($0.probe, $0) }) { a, _ in a }
    }

    /// What the programs cost since `beginRun`, or why that is unknown.
    func runCosts() -> Result<[ProbeCost], Error> {
        switch costStatistics {
        case let .failure(error): return .failure(error)
        case .success: return .success(allCosts().map { $0.since(costsAtStart[$0.probe]) })
        }
    }

    private func allCosts() -> [ProbeCost] {
        ([tracker.cost()] + probes.map { $0.cost() }).compactMap { $0 }
    }
}
