/// Self and inclusive cost of one function across a profile.
public struct FunctionCost: Hashable, Codable, Sendable {
    public var name: String
    public var module: String
    /// Value of the stacks where the function is the leaf.
    public var selfValue: UInt64
    /// Value of the stacks where the function appears at least once.
    public var inclusiveValue: UInt64

    public init(name: String, module: String, selfValue: UInt64, inclusiveValue: UInt64) {
        self.name = name
        self.module = module
        self.selfValue = selfValue
        self.inclusiveValue = inclusiveValue
    }
}

extension Profile {
    /// Per-function self and inclusive values, keyed by name and module; a
    /// recursive function counts once per stack for its inclusive value.
    public func functionCosts() -> [FunctionCost] {
        struct Key: Hashable { let name: String; let module: String }
        var costs: [Key: FunctionCost] = [:]
        for sample in samples {
            var seen = Set<Key>()
            for (position, frameIndex) in sample.frames.enumerated() {
                let frame = frames[frameIndex]
                let key = Key(name: frame.name, module: frame.module)
                var cost = costs[key] ?? FunctionCost(name: frame.name, module: frame.module,
                                                      selfValue: 0, inclusiveValue: 0)
                if seen.insert(key).inserted { cost.inclusiveValue += sample.value }
                if position == sample.frames.count - 1 { cost.selfValue += sample.value }
                costs[key] = cost
            }
        }
        return costs.values.sorted {
            ($0.inclusiveValue, $1.name, $1.module) > ($1.inclusiveValue, $0.name, $0.module)
        }
    }
}
