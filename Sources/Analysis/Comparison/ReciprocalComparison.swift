extension ScalarComparison {
    /// A comparison of reciprocal values (cycles per instruction) restated in
    /// terms of the values themselves (instructions per cycle): the ratio and
    /// its interval inverted, the verdict and p-value kept. Comparing the
    /// reciprocal makes a fall beyond τ the regression for metrics where
    /// higher is better (`Metric.higherIsBetter`); `tau` still applies to the
    /// reciprocal, so such a metric regresses when `ciUpper` < 1 / (1 + τ).
    var reciprocal: ScalarComparison {
        var out = self
        out.ratio = 1 / ratio
        out.ciLower = 1 / ciUpper
        out.ciUpper = 1 / ciLower
        return out
    }
}
