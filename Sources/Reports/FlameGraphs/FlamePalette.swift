import Foundation
import Model

/// Frame colours per kind of profile, after flamegraph.pl's palettes (`hot`,
/// `blue` for off-CPU, `aqua` for wakeups, `green` for memory). Each colour is
/// derived from an FNV-1a hash of the frame's name, never from a random
/// number, so a function keeps its colour across graphs and runs and golden
/// files stay stable. Label frames (`[other]`, `[off-cpu: sleeping]`) are grey
/// and kernel frames (`_[k]`) orange in the warm palettes.
public enum FlamePalette: String, Sendable, CaseIterable {
    /// Warm reds and yellows: CPU samples.
    case hot
    /// Blues: off-CPU time.
    case blue
    /// Blue-greens: wakeup stacks.
    case aqua
    /// Greens: allocations.
    case green
    /// Wall-clock time: warm where a frame's time is mostly on the CPU, blue where mostly waiting.
    case wall

    /// The palette for a profile kind (`cpu`, `offcpu`, `offwake`, `wall`, `alloc`); warm otherwise.
    public static func forKind(_ kind: String) -> FlamePalette {
        switch kind {
        case "offcpu": return .blue
        case "offwake": return .aqua
        case "wall": return .wall
        case "alloc", "leak": return .green
        default: return .hot
        }
    }

    /// `rgb(r,g,b)` for a frame.
    func fill(_ node: FlameTree.Node) -> String {
        let name = node.name
        let (v1, v2, v3) = Self.hash(name)
        if name.hasPrefix("[") { return Self.rgb(190 + 40 * v1, 190 + 40 * v1, 190 + 40 * v1) }
        switch self {
        case .hot, .wall:
            if self == .wall && node.offCPU * 2 > node.value { return Self.blue(v1) }
            if name.hasSuffix("_[k]") { return Self.rgb(190 + 65 * v1, 90 + 65 * v1, 0) }
            return Self.rgb(205 + 50 * v3, 230 * v1, 55 * v2)
        case .blue: return Self.blue(v1)
        case .aqua: return Self.rgb(50 + 60 * v1, 165 + 55 * v1, 165 + 55 * v1)
        case .green: return Self.rgb(50 + 60 * v1, 200 + 55 * v1, 50 + 60 * v2)
        }
    }

    private static func blue(_ v: Double) -> String { rgb(80 + 60 * v, 80 + 60 * v, 190 + 55 * v) }

    static func rgb(_ r: Double, _ g: Double, _ b: Double) -> String {
        "rgb(\(Int(r.rounded())),\(Int(g.rounded())),\(Int(b.rounded())))"
    }

    /// Three numbers in [0, 1) from a 64-bit FNV-1a hash of the name (its
    /// kernel suffix dropped, so `f` and `f_[k]` vary alike).
    static func hash(_ name: String) -> (Double, Double, Double) {
        let h = FNV1a.hash(name.hasSuffix("_[k]") ? String(name.dropLast(4)) : name)
        func part(_ shift: UInt64) -> Double { Double((h >> shift) & 0xffff) / 65536 }
        return (part(0), part(16), part(32))
    }
}

/// Colours of a differential flame graph (flamegraph.pl's `--diff` scheme on
/// difffolded.pl `-n` input): each profile normalised to its total, a frame's
/// change is its current share minus its baseline share; red when it grew,
/// blue when it shrank, the most changed frame fully saturated and unchanged
/// frames white.
struct DifferentialColors {
    let currentTotal: Double
    let baselineTotal: Double
    /// The largest |change| of any frame: full saturation.
    let maxChange: Double

    /// Changes smaller than this are rounding, not a change.
    static let epsilon = 1e-9
    static let unchanged = "rgb(255,255,255)"

    init(_ tree: FlameTree) {
        currentTotal = Double(tree.root.value)
        baselineTotal = Double(tree.root.baseline)
        var largest = 0.0
        var pending = [tree.root]
        while let node = pending.popLast() {
            largest = max(largest, abs(Self.change(node, currentTotal, baselineTotal)))
            pending += node.children
        }
        maxChange = largest
    }

    static func share(_ value: UInt64, _ total: Double) -> Double { total > 0 ? Double(value) / total : 0 }

    static func change(_ n: FlameTree.Node, _ currentTotal: Double, _ baselineTotal: Double) -> Double {
        share(n.value, currentTotal) - share(n.baseline, baselineTotal)
    }

    func currentShare(_ n: FlameTree.Node) -> Double { Self.share(n.value, currentTotal) }
    func baselineShare(_ n: FlameTree.Node) -> Double { Self.share(n.baseline, baselineTotal) }

    /// Current share minus baseline share, as a fraction.
    func change(_ n: FlameTree.Node) -> Double { Self.change(n, currentTotal, baselineTotal) }

    func fill(_ n: FlameTree.Node) -> String {
        let delta = change(n)
        guard abs(delta) > Self.epsilon, maxChange > 0 else { return Self.unchanged }
        let fade = 210 * (1 - abs(delta) / maxChange)
        return delta > 0 ? FlamePalette.rgb(255, fade, fade) : FlamePalette.rgb(fade, fade, 255)
    }
}

/// How a flame graph speaks of values: `1,234 samples (2.468 s)`, `1.2 ms`, `4.0 MiB`.
public struct FlameUnit: Sendable, Equatable {
    public var unit: ProfileUnit
    /// Time one sample stands for, for `samples`.
    public var periodNanoseconds: UInt64?

    public init(unit: ProfileUnit, periodNanoseconds: UInt64? = nil) {
        self.unit = unit
        self.periodNanoseconds = periodNanoseconds
    }

    func describe(_ value: UInt64) -> String {
        switch unit {
        case .samples:
            let count = Self.grouped(value) + (value == 1 ? " sample" : " samples")
            guard let period = periodNanoseconds, period > 0 else { return count }
            return count + " (" + Formatting.seconds(Double(value) * Double(period) / 1e9) + ")"
        case .nanoseconds: return Formatting.seconds(Double(value) / 1e9)
        case .bytes: return Self.bytes(value)
        case .count: return Self.grouped(value)
        }
    }

    /// `1234567` → `1,234,567`.
    static func grouped(_ value: UInt64) -> String {
        var digits = Array(String(value))
        var out = ""
        while digits.count > 3 {
            out = "," + String(digits.suffix(3)) + out
            digits.removeLast(3)
        }
        return String(digits) + out
    }

    /// Bytes in binary units: `512 B`, `1.5 KiB`, `4.0 MiB`.
    static func bytes(_ value: UInt64) -> String {
        if value < 1024 { return "\(value) B" }
        var scaled = Double(value) / 1024
        for unit in ["KiB", "MiB", "GiB"] {
            if scaled < 1024 { return String(format: "%.1f ", scaled) + unit }
            scaled /= 1024
        }
        return String(format: "%.1f TiB", scaled)
    }
}
