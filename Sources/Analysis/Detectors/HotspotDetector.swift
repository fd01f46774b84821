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

    /// A frame that names no function: an address the symbols did not cover
    /// (`prog+0x1234`, `[unknown]`), or a root of every stack.
    static func isGuess(_ name: String) -> Bool {
        name.hasPrefix("[") || name.contains("+0x") || Frame.isEntryRoot(name)
    }

    /// The regressed functions worth naming, heaviest first: a script's
    /// functions, else resolved functions of the program's own code, else
    /// resolved library functions;
    /// an unresolved frame or a root only when nothing resolved regressed.
    static func culprits(_ regressed: [FunctionComparison], in profile: TrimmedProfile?) -> [FunctionComparison] {
        let named = regressed.filter { !isGuess($0.name) }
        let own = named.filter { !isLibrary($0.module) }
        // a script's functions (Python, JavaScript) before the interpreter's own
        let script = own.filter { Frame.isScript(name: $0.name, module: $0.module) }
        let pool = !script.isEmpty ? script : !own.isEmpty ? own : !named.isEmpty ? named
            : regressed.filter { !Frame.isEntryRoot($0.name) }
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
        let modules = Dictionary(functions.map { ($0.name, $0.module) }) { a, _ in a }
        for f in culprits(regressed, in: now.cpuProfile) {
            let growth = f.timeRatio.map { String(format: " (%+.1f%%)", ($0 - 1) * 100) } ?? ""
            let path = now.cpuProfile?.heaviestPath(to: f.name) ?? [f.name]
            findings.append(Finding(
                kind: .hotspot, severity: .error, function: f.name, callPath: path, size: now.size,
                summary: "\(described(f, path: path, modules: modules)) costs \(signed(f.deltaSeconds))/run more CPU\(growth): "
                    + String(format: "%.1f%% of samples, was %.1f%%", f.currentShare, f.baselineShare),
                evidence: [.init("delta_seconds_per_run", f.deltaSeconds, "s"), .init("odds_ratio", f.oddsRatio, ""),
                           .init("share_points", f.deltaPoints, "pp"), .init("adjusted_p", f.adjustedPValue, "")],
                hint: "profile \(f.name) in the flame graph diff: the red frames above it are what grew"))
        }
        if regressed.isEmpty, let attributed = attribute(comparison, functions, now: now) { findings.append(attributed) }
        return (findings, excused)
    }

    /// The culprit as a reader recognises it: a library function with its
    /// library and the nearest frame of the program's own code above it
    /// (`sqlite3VdbeExec (libsqlite3.so.0) called from sqlite3+0x200c3`), an
    /// own function by its name.
    static func described(_ f: FunctionComparison, path: [String], modules: [String: String]) -> String {
        guard isLibrary(f.module) else { return f.name }
        let caller = path.dropLast().reversed().first { name in
            guard !Frame.isEntryRoot(name) else { return false }
            let module = modules[name] ?? (name.contains("+0x") ? name.components(separatedBy: "+0x")[0] : nil)
            return module.map { !isLibrary($0) } ?? false
        }
        return "\(f.name) (\(f.module))" + (caller.map { " called from \($0)" } ?? "")
    }

    /// One finding per cause: the same function's hotspot at several sizes
    /// is one finding (at the size where it cost most), listing the sizes.
    public static func mergedAcrossSizes(_ findings: [Finding]) -> [Finding] {
        var out: [Finding] = []
        var seen: [String: Int] = [:]
        var sizes: [String: [Int]] = [:]
        func delta(_ f: Finding) -> Double { f.evidence.first { $0.name == "delta_seconds_per_run" }?.value ?? 0 }
        for f in findings {
            guard f.kind == .hotspot, let size = f.size else {
                out.append(f)
                continue
            }
            sizes[f.function, default: []].append(size)
            if let i = seen[f.function] {
                if delta(f) > delta(out[i]) { out[i] = f }
            } else {
                seen[f.function] = out.count
                out.append(f)
            }
        }
        for (function, i) in seen {
            let all = sizes[function] ?? []
            guard all.count > 1 else { continue }
            out[i].summary += "; also regressed at size" + (all.count > 2 ? "s " : " ")
                + all.filter { $0 != out[i].size }.sorted().map(String.init).joined(separator: ", ")
        }
        return out
    }

    /// The program's CPU time (or a wall time that CPU time explains)
    /// REGRESSED but no function did on its own: a
    /// small, proven rise spread over too few samples per function for each
    /// share test (a hot function at 80% doing 2% more work moves its share by
    /// 0.3 points). The scenario fails either way; this names where the time
    /// went, as `perf diff` would: the function of the program's own code
    /// whose inclusive time grew most, when it holds at least half of the
    /// rise and is not the whole program (main, the entry point), and not a
    /// caller whose growth a callee explains. Its own p-value is shown as the
    /// weaker evidence it is.
    static func attribute(_ comparison: ScenarioComparison, _ functions: [FunctionComparison], now: SizeResult)
        -> Finding? {
        guard let cpu = comparison.metrics.named(Metric.cpuTime.id, size: now.size), let c = cpu.comparison, let before = cpu.baselineMedian else { return nil }
        let rise = (c.ratio - 1) * before
        // CPU time itself, or a wall time at least half of whose rise is CPU time
        let wall = comparison.metrics.named(Metric.wallTime.id, size: now.size)
        let wallRise = wall.flatMap { w in w.comparison.map { ($0.ratio - 1) * (w.baselineMedian ?? 0) } } ?? 0
        guard cpu.verdict == .regressed || (wall?.verdict == .regressed && rise >= 0.5 * wallRise) else { return nil }
        let grown = functions.filter { $0.gates && $0.deltaSeconds > 0 && $0.baselineShare < 95 }
        guard rise > 0, let f = culprits(grown, in: now.cpuProfile).first, f.deltaSeconds >= 0.5 * rise else { return nil }
        let growth = f.timeRatio.map { String(format: " (%+.1f%%)", ($0 - 1) * 100) } ?? ""
        return Finding(
            kind: .hotspot, severity: .error, function: f.name,
            callPath: now.cpuProfile?.heaviestPath(to: f.name) ?? [f.name], size: now.size,
            summary: "\(f.name) holds \(signed(f.deltaSeconds))/run\(growth) of the program's \(signed(rise))/run CPU-time "
                + String(format: "rise: %.1f%% of samples, was %.1f%% (its own share test: p=%.3f)", f.currentShare,
                         f.baselineShare, f.pValue),
            evidence: [.init("delta_seconds_per_run", f.deltaSeconds, "s"), .init("cpu_time_rise_per_run", rise, "s"),
                       .init("share_points", f.deltaPoints, "pp"), .init("p", f.pValue, "")],
            hint: "profile \(f.name) in the flame graph diff: the red frames above it are what grew")
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

func signed(_ s: Double) -> String { s == 0 ? "+0 s" : DurationText.signed(s) }
