import Model

/// Waiting that got worse: off-CPU time on locks, block I/O or the network
/// that rose significantly against the baseline (the `offcpu.*_wait`
/// metrics), by at least a tenth of the run's wall time, and with its ratio's
/// interval past the scenario's threshold (`io_p99` for block I/O, `wall_time`
/// for the others). Names where the
/// threads wait (the caller of pthread_mutex_lock, of fsync, of recv) and,
/// for locks, who woke them (the unlocking function).
public enum WaitingDetector {
    public static let minimumShareOfWall = 0.10

    static let wakePrimitives: Set<String> = [
        "__lll_lock_wake", "__lll_lock_wake_private", "__pthread_mutex_unlock_usercnt", "pthread_mutex_unlock",
        "__pthread_mutex_unlock", "pthread_cond_signal", "__pthread_cond_signal", "pthread_cond_broadcast",
        "__pthread_cond_broadcast", "sem_post", "__new_sem_post", "futex_wake", "__futex_wake",
    ]

    public static func detect(_ now: SizeResult, metrics: [MetricComparison],
                              thresholds: Thresholds = Thresholds()) -> [Finding] {
        guard let wall = Descriptive.median(now.values(Metric.wallTime.id)), wall > 0 else { return [] }
        var findings: [Finding] = []
        for category in [WaitCategory.lock, .io, .network] {
            guard let m = metrics.named(category.metricID, size: now.size),
                  m.verdict == .regressed, let current = m.currentMedian else { continue }
            let before = m.baselineMedian ?? 0
            guard current - before >= minimumShareOfWall * wall else { continue }
            // and by more than the scenario tolerates: block I/O waits follow the disk, so they get
            // io_p99's allowance (a shared virtual disk drifts tens of percent), the others wall_time's
            let tau = category == .io ? thresholds.ioP99 : thresholds.wallTime
            if let c = m.comparison, c.ciLower <= 1 + tau { continue }
            let site = topSite(category, in: now.offCPUProfile)
            let waker = category == .lock ? site.flatMap { topWaker(of: $0.site, in: now.wakerProfile) } : nil
            let function = site?.site ?? "(unknown site)"
            if category == .lock, let site, let busier = idleBecause(site.path, metrics: metrics, size: now.size) {
                findings.append(Finding(
                    kind: .idle, severity: .warning, function: function, callPath: site.path, size: now.size,
                    summary: "threads idle \(seconds(current))/run waiting for work in \(function) → \(site.path.last ?? ""), "
                        + "was \(seconds(before))" + (waker.map { "; work handed out by \($0)" } ?? "")
                        + ": they wait longer because the run computes longer (CPU time \(signed(busier.cpu))/run of "
                        + "the \(signed(busier.wall))/run wall-time rise), not because they queue for a lock",
                    evidence: [.init("idle_wait_per_run", current, "s"), .init("baseline_idle_wait_per_run", before, "s"),
                               .init("cpu_time_rise_per_run", busier.cpu, "s"), .init("wall_time_rise_per_run", busier.wall, "s")],
                    hint: "nothing to fix in the waiting threads: the CPU-time finding, if any, names what got slower"))
                continue
            }
            let what: String, kind: Finding.Kind, hint: String
            switch category {
            case .lock:
                what = "on a lock"
                kind = .contention
                hint = "shorten the critical section, or add capacity (pool size, lock striping) so threads stop queueing"
            case .io:
                what = "on block I/O"
                kind = .ioWait
                hint = "batch small writes and sync once per batch (or fdatasync), or sync off the request path"
            default:
                what = "on the network"
                kind = .networkWait
                hint = "overlap requests (pipelining, concurrency) or cut round trips to the peer"
            }
            var summary = "threads wait \(seconds(current))/run \(what) in \(function)"
                + (site.map { " → \($0.path.last ?? "")" } ?? "") + ", was \(seconds(before))"
            if let waker { summary += "; woken by \(waker)" }
            findings.append(Finding(
                kind: kind, severity: .error, function: function, callPath: site?.path ?? [], size: now.size,
                summary: summary,
                evidence: [.init("\(category.rawValue)_wait_per_run", current, "s"),
                           .init("baseline_\(category.rawValue)_wait_per_run", before, "s"),
                           .init("wall_time_per_run", wall, "s")] + (m.comparison.map { [.init("p_value", $0.pValue, "")] } ?? []),
                hint: hint))
        }
        return findings
    }

    /// Idle, not contention: the waits are for a signal (a condition
    /// variable, a semaphore: work handed out), not for a mutex, and the run
    /// got longer because it computed more — CPU time rose by at least half
    /// the wall-time rise, so the waiting threads wait on the thread that got
    /// slower. Threads queueing for a busy pool (api-pool: wall ×7.7, CPU
    /// +38 ms of +628 ms) stay contention.
    static func idleBecause(_ path: [String], metrics: [MetricComparison], size: Int?) -> (cpu: Double, wall: Double)? {
        guard let primitive = path.last, WaitCategory.signalWaits.contains(String(WaitCategory.base(primitive))),
              let wall = metrics.named(Metric.wallTime.id, size: size), let wallNow = wall.currentMedian,
              let wallBefore = wall.baselineMedian,
              let cpu = metrics.named(Metric.cpuTime.id, size: size), cpu.verdict == .regressed,
              let cpuNow = cpu.currentMedian, let cpuBefore = cpu.baselineMedian else { return nil }
        let wallRise = wallNow - wallBefore, cpuRise = cpuNow - cpuBefore
        guard wallRise > 0, cpuRise >= 0.5 * wallRise else { return nil }
        return (cpuRise, wallRise)
    }

    /// The heaviest waiting site of a category in an off-CPU profile.
    static func topSite(_ category: WaitCategory, in profile: TrimmedProfile?) -> (site: String, path: [String])? {
        guard let profile else { return nil }
        var weights: [String: (UInt64, [String])] = [:]
        for s in profile.stacks {
            let state = s.frames.last.flatMap(Self.state)
            guard WaitCategory.classify(frames: s.frames, state: state) == category,
                  let site = category.site(in: s.frames) else { continue }
            let previous = weights[site.site]
            weights[site.site] = ((previous?.0 ?? 0) + s.value, previous?.1 ?? site.path)
        }
        return weights.max { $0.value.0 < $1.value.0 }.map { ($0.key, $0.value.1) }
    }

    /// `[off-cpu: sleeping]` → sleeping.
    static func state(_ marker: String) -> String? {
        guard marker.hasPrefix(Profile.offCPUMarkerPrefix), marker.hasSuffix("]") else { return nil }
        return String(marker.dropFirst(Profile.offCPUMarkerPrefix.count).dropLast())
    }

    /// The function that woke the waits at `site`: in the waker part of an
    /// offwake stack (after `[woken by …]`, leaf first), the frame past the
    /// wake primitives (e.g. release_connection past pthread_mutex_unlock).
    static func topWaker(of site: String, in profile: TrimmedProfile?) -> String? {
        guard let profile else { return nil }
        var weights: [String: UInt64] = [:]
        for s in profile.stacks {
            guard let marker = s.frames.firstIndex(where: { $0.hasPrefix("[woken by ") }),
                  s.frames[..<marker].contains(site) else { continue }
            let waker = Array(s.frames[(marker + 1)...])
            guard let last = waker.lastIndex(where: { wakePrimitives.contains(String(WaitCategory.base($0))) }),
                  last + 1 < waker.count else { continue }
            // the script's function that released it, when a script did (the waker part is leaf first)
            let script = waker[(last + 1)...].first(where: Frame.looksLikeScriptFrame)
            weights[script ?? waker[last + 1], default: 0] += s.value
        }
        return weights.max { $0.value < $1.value }?.key
    }
}

/// Seconds for summaries, as the reports print them: `1.234 s`, `12.3 ms`.
func seconds(_ s: Double) -> String { DurationText.format(s) }
