import Model

/// One complexity exponent: cost ≈ C·sizeᵏ over a `sizes:` sweep.
public struct ComplexityFit: Codable, Sendable, Equatable {
    /// nil: the whole run (CPU time); else a function's inclusive CPU time.
    public var function: String?
    public var exponent: Double
    public var lower: Double
    public var upper: Double
    public var baselineExponent: Double?
    public var points: Int

    public init(function: String?, exponent: Double, lower: Double, upper: Double, baselineExponent: Double?,
                points: Int) {
        self.function = function
        self.exponent = exponent
        self.lower = lower
        self.upper = upper
        self.baselineExponent = baselineExponent
        self.points = points
    }
}

/// The exponents of a scenario with sizes: the whole run and each function
/// with enough samples.
public struct ComplexityReport: Codable, Sendable, Equatable {
    public var whole: ComplexityFit?
    public var functions: [ComplexityFit]
    /// Why a sweep of sizes was not fitted (too few sizes, too narrow a
    /// span) and what to change; nil when it was, or when nothing sweeps.
    public var notFitted: String?

    public init(whole: ComplexityFit?, functions: [ComplexityFit], notFitted: String? = nil) {
        self.whole = whole
        self.functions = functions
        self.notFitted = notFitted
    }
}

/// Fits log(cost) against log(size) (least squares, pairs-bootstrap CI) for
/// the whole run and per function, and flags a function whose exponent's
/// lower bound exceeds `complexity_exponent`, or exceeds the baseline's
/// exponent by more than 0.3 ("parse_request: O(n^1.98), was O(n^1.02)"):
/// growth, too, must hold for the whole interval — a point estimate that
/// moved by 0.38 was libpython's noise in a good-against-itself run of
/// difflib-autojunk, `python3.11+0x630c36: O(n^0.22) [0.00–0.43], was
/// O(n^-0.16)`. Only
/// functions that gate are flagged (`FunctionComparison.gates`: not the
/// kernel, the loader or BPF): the timer interrupt's entry sampled inside a
/// loop has a few samples per run and a slope as noisy as they are — an A/A
/// run of parse-request blamed `asm_sysvec_apic_timer_interrupt`, O(n^0.22)
/// [0.00–0.88], was O(n^-0.15).
public enum ComplexityDetector {
    public static let minimumSizes = 4
    public static let minimumSpan = 10.0
    public static let growthLimit = 0.3
    public static let minimumSamples: UInt64 = 20

    /// Whether a fit's exponent rose past the baseline's by more than
    /// `growthLimit` over its whole interval.
    static func grew(_ f: ComplexityFit) -> Bool {
        f.baselineExponent.map { f.lower - $0 > growthLimit } ?? false
    }

    public static func analyze(_ sizes: [SizeResult], baseline: [SizeResult]?, threshold: Double)
        -> (report: ComplexityReport?, findings: [Finding]) {
        let measured = sizes.filter { $0.size != nil && !$0.runs.isEmpty }
        let values = measured.compactMap(\.size)
        guard Set(values).count >= 2 else { return (nil, []) }
        if let reason = unfittable(values) {
            return (ComplexityReport(whole: nil, functions: [], notFitted: reason), [])
        }
        let baselineFits = baseline.map { fits($0) }
        let now = fits(measured)
        func withBaseline(_ fit: ComplexityFit) -> ComplexityFit {
            var f = fit
            f.baselineExponent = baselineFits?.first { $0.function == fit.function }?.exponent
            return f
        }
        let report = ComplexityReport(whole: now.first { $0.function == nil }.map(withBaseline),
                                      functions: now.filter { $0.function != nil }.map(withBaseline))
        let ungated = Set(measured.flatMap { $0.runs.flatMap(\.functions) }
            .filter { !FunctionComparison.gatesModule($0.module) }.map(\.name))
        let flagged = report.functions.filter { f in
            !ungated.contains(f.function ?? "")
                && (f.lower > threshold || grew(f))
        }
        let largest = measured.max { ($0.size ?? 0) < ($1.size ?? 0) }!
        // a script's own function (Python, JavaScript) before the interpreter's
        // functions it spends its time in
        let scripts = Set(measured.flatMap { $0.runs.flatMap(\.functions) }.filter { Frame.isScript(name: $0.name, module: $0.module) }
            .map(\.name))
        let inScript = flagged.filter { scripts.contains($0.function ?? "") }
        guard let culprit = deepest(inScript.isEmpty ? flagged : inScript, in: largest) else {
            return (report, [])
        }
        let name = culprit.function!
        let was = culprit.baselineExponent.map { String(format: ", was O(n^%.2f)", $0) } ?? ""
        let path = largest.cpuProfile?.heaviestPath(to: name) ?? [name]
        var inside = ""
        if !inScript.isEmpty, let native = deepest(flagged.filter { !scripts.contains($0.function ?? "") }, in: largest),
           let leaf = native.function, let full = largest.cpuProfile?.heaviestPath(to: leaf),
           let at = full.lastIndex(of: name) {
            // the interpreter's frames from the script function to the flagged leaf
            let chain = full[full.index(after: at)...].filter { !$0.hasPrefix("_PyEval_") && !$0.hasPrefix("PyObject_Vectorcall") }
            if !chain.isEmpty { inside = " in " + chain.joined(separator: " → ") }
        }
        let finding = Finding(
            kind: .complexity, severity: .error, function: name,
            callPath: path, size: nil,
            summary: String(format: "%@: O(n^%.2f) [95%% CI %.2f–%.2f]%@%@", name, culprit.exponent, culprit.lower,
                            culprit.upper, was, inside),
            evidence: [.init("exponent", culprit.exponent, ""), .init("exponent_ci_lower", culprit.lower, ""),
                       .init("exponent_ci_upper", culprit.upper, ""), .init("threshold", threshold, "")]
                + (culprit.baselineExponent.map { [.init("baseline_exponent", $0, "")] } ?? []),
            hint: "look for a loop over the input inside a loop over the input (dedup, search, insert into an "
                + "array) and use a hash set or a sorted structure")
        return (report, [finding])
    }

    /// Why these sizes cannot give an exponent, with what to change; nil when
    /// they can. Every size is still measured and gated on its own.
    static func unfittable(_ sizes: [Int]) -> String? {
        guard let lo = sizes.min(), let hi = sizes.max() else { return nil }
        let span = Double(hi) / Double(max(lo, 1)), count = Set(sizes).count
        var problems: [String] = []
        if count < minimumSizes { problems.append("\(count) sizes (a fit needs at least \(minimumSizes))") }
        if span < minimumSpan {
            problems.append(String(format: "a span of %.3g× (%d–%d; a fit needs at least %g×)", span, lo, hi, minimumSpan))
        }
        guard !problems.isEmpty else { return nil }
        var fixes: [String] = []
        if span < minimumSpan { fixes.append("a size of at least \(Int((Double(lo) * minimumSpan).rounded(.up)))") }
        if count < minimumSizes { fixes.append("sizes between \(lo) and \(max(hi, Int(Double(lo) * minimumSpan)))") }
        return "no complexity exponent: " + problems.joined(separator: " and ") + "; add " + fixes.joined(separator: " and ")
    }

    /// The most specific of the flagged functions: not a caller (by the heaviest
    /// call paths of the largest size) of another flagged function that carries
    /// at least half its time — parse_request rather than main, which contains it.
    static func deepest(_ flagged: [ComplexityFit], in largest: SizeResult) -> ComplexityFit? {
        let time = { (name: String) -> Double in
            Descriptive.mean(largest.runs.map { run in
                Double(run.functions.first { $0.name == name }?.inclusiveSamples ?? 0)
            }) ?? 0
        }
        let paths = Dictionary(flagged.map { ($0.function!, largest.cpuProfile?.heaviestPath(to: $0.function!) ?? []) }) { a, _ in a }
        let specific = flagged.filter { f in
            !flagged.contains { g in
                g.function != f.function && (paths[g.function!]?.dropLast().contains(f.function!) ?? false)
                    && time(g.function!) >= 0.5 * time(f.function!)
            }
        }
        return specific.max { time($0.function!) < time($1.function!) }
    }

    /// Whole-run fit on CPU time, and per-function fits on inclusive CPU time.
    static func fits(_ sizes: [SizeResult]) -> [ComplexityFit] {
        var out: [ComplexityFit] = []
        var x: [Double] = [], y: [Double] = []
        for s in sizes {
            for v in s.values(Metric.cpuTime.id) where v > 0 {
                x.append(Double(s.size!))
                y.append(v)
            }
        }
        if let f = fit(nil, x, y) { out.append(f) }
        guard let largest = sizes.max(by: { ($0.size ?? 0) < ($1.size ?? 0) }) else { return out }
        var candidates = Set<String>()
        var totals: [String: UInt64] = [:]
        for run in largest.runs { for f in run.functions { totals[f.name, default: 0] += f.inclusiveSamples } }
        for (name, total) in totals where total >= minimumSamples && !Frame.isEntryRoot(name) { candidates.insert(name) }
        for name in candidates.sorted() {
            var fx: [Double] = [], fy: [Double] = []
            var sizesWithData = 0
            for s in sizes {
                let period = Double(s.runs.first?.cpuPeriodNanoseconds ?? 0) / 1e9
                let costs = s.runs.compactMap { run in run.functions.first { $0.name == name } }
                    .map { Double($0.inclusiveSamples) * period }.filter { $0 > 0 }
                if !costs.isEmpty { sizesWithData += 1 }
                for c in costs {
                    fx.append(Double(s.size!))
                    fy.append(c)
                }
            }
            guard sizesWithData >= minimumSizes, let f = fit(name, fx, fy) else { continue }
            out.append(f)
        }
        return out
    }

    static func fit(_ function: String?, _ x: [Double], _ y: [Double]) -> ComplexityFit? {
        guard let f = try? LogLogFit.fit(sizes: x, costs: y, estimator: .theilSen) else { return nil }
        return ComplexityFit(function: function, exponent: f.slope, lower: f.slopeInterval.lower,
                             upper: f.slopeInterval.upper, baselineExponent: nil, points: f.pointCount)
    }
}
