/// A count of data that could not be recorded or explained, shown in every report.
public struct LostCounter: Codable, Sendable, Equatable {
    /// The component that lost it (`cpu`, `tracker`, `mappings`, `symbols`).
    public var source: String
    /// Stable identifier (`dropped_samples`, `lost_stacks`, `unknown_frames`).
    public var name: String
    public var count: UInt64
    /// What it means for the results, in one sentence.
    public var meaning: String

    public init(source: String, name: String, count: UInt64, meaning: String) {
        self.source = source
        self.name = name
        self.count = count
        self.meaning = meaning
    }
}
