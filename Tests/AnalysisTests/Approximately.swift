/// Whether `actual` is within `relative` of `expected` (scaled by |expected|) or
/// within `absolute` of it, whichever is looser. Used to compare with SciPy
/// values printed to 16–17 significant digits.
func isClose(_ actual: Double?, _ expected: Double,
             relative: Double = 1e-12, absolute: Double = 0) -> Bool {
    guard let actual else { return false }
    return abs(actual - expected) <= max(absolute, relative * abs(expected))
}
