/// `--shard K/N`: a stable subset of scenarios for one of N CI jobs. A
/// scenario belongs to the shard its name hashes to, so adding or removing a
/// scenario does not move the others between jobs.
public struct Shard: Sendable, Equatable, CustomStringConvertible {
    public let index: Int
    public let count: Int

    /// Parses "K/N" with 1 ≤ K ≤ N; nil otherwise.
    public init?(_ text: String) {
        let parts = text.split(separator: "/")
        guard parts.count == 2, let k = Int(parts[0]), let n = Int(parts[1]), n >= 1, (1...n).contains(k) else {
            return nil
        }
        index = k
        count = n
    }

    public func includes(_ name: String) -> Bool {
        Int(Self.fnv1a(name) % UInt64(count)) == index - 1
    }

    public var description: String { "\(index)/\(count)" }

    static func fnv1a(_ s: String) -> UInt64 { FNV1a.hash(s) }
}
