/// When a scenario measured against a base in the same run stops: after
/// `first` pairs it is judged; an inconclusive one gets `batch` more pairs and
/// is judged again, up to `maximum`. A decisive scenario stops at its first
/// look, so a large regression costs no more runs than `repetitions`. Each
/// look tests at its own share of α (`AlphaSpending` in Analysis), so looking
/// more than once does not raise the false-alarm rate.
public struct SequentialPlan: Codable, Sendable, Equatable {
    public var first: Int
    public var maximum: Int
    public var batch: Int

    public init(first: Int, maximum: Int, batch: Int) {
        self.first = max(2, first)
        self.maximum = max(self.first, maximum)
        self.batch = max(1, batch)
    }

    /// `repetitions` first, then batches of half as many up to
    /// `max_repetitions` (twice `repetitions` unless set).
    public init(_ scenario: Scenario) {
        self.init(first: scenario.repetitions, maximum: scenario.maxRepetitions ?? 2 * scenario.repetitions,
                  batch: (scenario.repetitions + 1) / 2)
    }

    /// The pair counts at which the scenario is judged.
    public var looks: [Int] {
        var out = [first]
        while out.last! < maximum { out.append(min(maximum, out.last! + batch)) }
        return out
    }
}
