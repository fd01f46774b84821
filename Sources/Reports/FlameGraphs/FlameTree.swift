import Model

/// The call tree a flame graph draws: stacks merged frame by frame from the
/// root, each node holding the value of every stack through it (inclusive).
///
/// Built from (frames root first, value) pairs, so a ``Profile``, a
/// ``TrimmedProfile`` and folded text all render alike. A differential tree
/// holds a second profile's values in ``Node/baseline``. Children are sorted
/// by name (flamegraph.pl's order), so the same stacks always give the same tree.
public struct FlameTree: Sendable, Equatable {
    public struct Node: Sendable, Equatable {
        public var name: String
        /// Value of the (current) stacks through this node.
        public var value: UInt64
        /// Value of the baseline's stacks through it (0 outside differential trees).
        public var baseline: UInt64
        /// Part of ``value`` from stacks that end in an off-CPU marker (wall-clock profiles).
        public var offCPU: UInt64
        public var children: [Node]
    }

    /// A stack, outermost frame first, with its value.
    public typealias Stack = (frames: [String], value: UInt64)

    /// The synthetic root (`all`), spanning every stack.
    public let root: Node

    /// A tree of `current`, with `baseline`'s values beside it when given.
    public init(_ current: [Stack], baseline: [Stack] = []) {
        var arena = Arena()
        for stack in current where stack.value > 0 { arena.add(stack, current: true) }
        for stack in baseline where stack.value > 0 { arena.add(stack, current: false) }
        root = arena.freeze(0)
    }

    /// Deepest level below the root (0 when there are no stacks).
    public var depth: Int {
        func depth(_ n: Node) -> Int { n.children.map { depth($0) + 1 }.max() ?? 0 }
        return depth(root)
    }

    /// Mutable nodes in an array while stacks are added; children by name.
    private struct Arena {
        struct Slot {
            var name: String
            var value: UInt64 = 0, baseline: UInt64 = 0, offCPU: UInt64 = 0
            var children: [String: Int] = [:]
        }

        var slots = [Slot(name: "all")]

        mutating func add(_ stack: Stack, current: Bool) {
            let offCPU = current && (stack.frames.last?.hasPrefix(Profile.offCPUMarkerPrefix) ?? false)
            var node = 0
            credit(node, stack.value, current: current, offCPU: offCPU)
            for name in stack.frames {
                if let child = slots[node].children[name] {
                    node = child
                } else {
                    slots.append(Slot(name: name))
                    slots[node].children[name] = slots.count - 1
                    node = slots.count - 1
                }
                credit(node, stack.value, current: current, offCPU: offCPU)
            }
        }

        mutating func credit(_ node: Int, _ value: UInt64, current: Bool, offCPU: Bool) {
            if current { slots[node].value += value } else { slots[node].baseline += value }
            if offCPU { slots[node].offCPU += value }
        }

        func freeze(_ index: Int) -> Node {
            let slot = slots[index]
            let children = slot.children.sorted { $0.key < $1.key }.map { freeze($0.value) }
            return Node(name: slot.name, value: slot.value, baseline: slot.baseline, offCPU: slot.offCPU,
                        children: children)
        }
    }
}

extension FlameTree {
    /// The stacks of a profile, thread first, as FoldedStacks writes them:
    /// kernel frames carry flamegraph.pl's `_[k]` suffix.
    public static func stacks(_ profile: Profile) -> [Stack] {
        profile.samples.map { sample in
            let frames = sample.frames.map { index -> String in
                let frame = profile.frames[index]
                return frame.kind == .kernel ? frame.name + "_[k]" : frame.name
            }
            return ([sample.thread.isEmpty ? "[unnamed]" : sample.thread] + frames, sample.value)
        }
    }

    /// The stacks of a merged, trimmed profile (already thread first).
    public static func stacks(_ profile: TrimmedProfile) -> [Stack] {
        profile.stacks.map { ($0.frames, $0.value) }
    }
}
