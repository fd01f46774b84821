/// False-discovery-rate control for many simultaneous tests (Benjamini &
/// Hochberg 1995, "Controlling the false discovery rate: a practical and
/// powerful approach to multiple testing", J. R. Statist. Soc. B 57(1)).
///
/// A profile compares hundreds of functions at once; at p < 0.05 each, several
/// would be flagged by chance alone. The procedure keeps the expected share of
/// false alarms among the flagged functions at most q.
public enum BenjaminiHochberg {
    /// Adjusted p-values in the input order, matching
    /// `scipy.stats.false_discovery_control(p, method='bh')` and R's
    /// `p.adjust(p, "BH")`: with p₍₁₎ ≤ … ≤ p₍ₘ₎, the adjusted value of p₍ᵢ₎ is
    /// minⱼ≥ᵢ (m/j)·p₍ⱼ₎, capped at 1, so adjusted values keep the order of the
    /// raw ones. Equal p-values get equal adjusted values. Empty in, empty out.
    ///
    /// - Precondition: every p-value is in [0, 1] (they come from this module's tests).
    public static func adjust(_ pValues: [Double]) -> [Double] {
        precondition(pValues.allSatisfy { (0...1).contains($0) },
                     "p-values must lie in [0, 1]: \(pValues)")
        let m = Double(pValues.count)
        let order = pValues.indices.sorted { pValues[$0] < pValues[$1] }
        var adjusted = [Double](repeating: 0, count: pValues.count)
        var running = 1.0
        for rank in stride(from: order.count, through: 1, by: -1) {
            let index = order[rank - 1]
            running = min(running, pValues[index] * (m / Double(rank)))
            adjusted[index] = running
        }
        return adjusted
    }

    /// Which hypotheses the step-up procedure rejects at false discovery rate `q`:
    /// with k the largest i such that p₍ᵢ₎ ≤ (i/m)·q, the k smallest p-values;
    /// equivalently, those whose adjusted p-value is at most `q`. One flag per
    /// input, in the input order.
    ///
    /// - Precondition: every p-value is in [0, 1], and `0 < q < 1`.
    public static func rejections(_ pValues: [Double], q: Double) -> [Bool] {
        precondition(q > 0 && q < 1, "false discovery rate \(q) is outside (0, 1)")
        return adjust(pValues).map { $0 <= q }
    }
}
