import Model

/// Functions whose CPU cost rose (the comparator's REGRESSED functions),
/// told apart from cost that merely moved: when a function appeared with the
/// cost another one lost, from the same callers, and the two changes cancel
/// out, it is a rename or a refactor (Meta's FBDetect "cost shift" filter),
/// reported as a warning and not held against the scenario.
///
/// Of a regressed call chain only the culprits are named: functions of the
/// program's own code (libraries and the vDSO only when nothing
/// of its own regressed; never the kernel, the loader or BPF: they do not
/// gate, see `FunctionComparison.gates`), and not a caller whose growth a regressed callee
/// explains (main, when parse_request got slower), at most `maximumFindings`.
public enum HotspotDetector {
    public static let movedTolerance = 0.25
    public static let maximumFindings = 3

    /// Modules that are not the program's own code.
    static func isLibrary(_ module: String) -> Bool {
        module.hasPrefix("[") || module.hasPrefix("lib") || module.hasPrefix("ld-linux") || module.hasPrefix("ld.so")
    }

    /// The regressed functions worth naming, heaviest first.
    static func culprits(_ regressed: [FunctionComparison], in profile: TrimmedProfile?) -> [FunctionComparison] {
        let own = regressed.filter { !isLibrary($0.module) }
        let pool = own.isEmpty ? regressed : own
        let paths = Dictionary(pool.map { ($0.name, profile?.heaviestPath(to: $0.name) ?? [$0.name]) }) { a, _ in a }
        let unexplained = pool.filter { f in
            !pool.contains { g in
                g.name != f.name && (paths[g.name]?.dropLast().contains(f.name) ?? false)
                    && g.deltaSeconds >= 0.5 * f.deltaSeconds
            }
        }
        return Array(unexplained.sorted { $0.deltaSeconds > $1.deltaSeconds }.prefix(maximumFindings))
    }

    public static func detect(_ comparison: ScenarioComparison, now: SizeResult, before: SizeResult?)
        -> (findings: [Finding], excused: Set<String>) {
        let functions = comparison.functions.filter { $0.size == now.size }
        var findings: [Finding] = []
        var excused = Set<String>()
        var regressed: [FunctionComparison] = []
        for f in functions where f.verdict == .regressed && f.gates {
            if let g = movedFrom(f, functions, now: now, before: before) {
                excused.insert(f.name)
                findings.append(Finding(
                    kind: .hotspotShift, severity: .warning, function: f.name,
                    callPath: now.cpuProfile?.heaviestPath(to: f.name) ?? [f.name], size: now.size,
                    summary: "cost moved from \(g.name) to \(f.name) (\(signed(f.deltaSeconds))/run vs "
                        + "\(signed(g.deltaSeconds))/run, same callers): a rename or refactor, not a regression",
                    evidence: [.init("delta_seconds_per_run", f.deltaSeconds, "s"),
                               .init("moved_from_delta_seconds_per_run", g.deltaSeconds, "s")],
                    hint: "nothing to fix if the change was intended"))
                continue
            }
            regressed.append(f)
        }
        for f in culprits(regressed, in: now.cpuProfile) {
            let growth = f.timeRatio.map { String(format: " (%+.1f%%)", ($0 - 1) * 100) } ?? ""
            findings.append(Finding(
                kind: .hotspot, severity: .error, function: f.name,
                callPath: now.cpuProfile?.heaviestPath(to: f.name) ?? [f.name], size: now.size,
                summary: "\(f.name) costs \(signed(f.deltaSeconds))/run more CPU\(growth): "
                    + String(format: "%.1f%% of samples, was %.1f%%", f.currentShare, f.baselineShare),
                evidence: [.init("delta_seconds_per_run", f.deltaSeconds, "s"), .init("odds_ratio", f.oddsRatio, ""),
                           .init("share_points", f.deltaPoints, "pp"), .init("adjusted_p", f.adjustedPValue, "")],
                hint: "profile \(f.name) in the flame graph diff: the red frames above it are what grew"))
        }
        return (findings, excused)
    }

    /// A function that lost about what `f` gained, mostly gone now while `f`
    /// is mostly new, called from the same place.
    static func movedFrom(_ f: FunctionComparison, _ all: [FunctionComparison], now: SizeResult,
                          before: SizeResult?) -> FunctionComparison? {
        guard f.baselineSeconds < 0.2 * f.currentSeconds else { return nil }
        let callersNow = now.cpuProfile?.callers(of: f.name) ?? []
        return all.first { g in
            g.name != f.name && g.deltaSeconds < 0 && g.currentSeconds < 0.2 * g.baselineSeconds
                && abs(f.deltaSeconds + g.deltaSeconds) <= movedTolerance * f.deltaSeconds
                && !callersNow.isDisjoint(with: before?.cpuProfile?.callers(of: g.name) ?? [])
        }
    }
}

func signed(_ s: Double) -> String { (s >= 0 ? "+" : "-") + seconds(abs(s)) }
