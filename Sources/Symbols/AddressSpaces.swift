import Model

/// One executable mapping of a process.
public struct Mapping: Sendable, Equatable {
    public var start: UInt64
    public var end: UInt64
    public var fileOffset: UInt64
    public var path: String
    /// Identity of the file in `ModuleCache` (build-id or path+inode); nil for
    /// anonymous and special mappings.
    public var moduleKey: String?

    public init(start: UInt64, end: UInt64, fileOffset: UInt64, path: String, moduleKey: String?) {
        self.start = start
        self.end = end
        self.fileOffset = fileOffset
        self.path = path
        self.moduleKey = moduleKey
    }
}

/// The address spaces of every tracked process, per exec generation, rebuilt
/// from `MappingEvent`s. A later mapping over an earlier one replaces the
/// overlapped part, as mmap(MAP_FIXED) does.
public struct AddressSpaces: Sendable {
    public struct SpaceID: Hashable, Sendable {
        public var pid: Int32
        public var generation: UInt32
        public init(pid: Int32, generation: UInt32) {
            self.pid = pid
            self.generation = generation
        }
    }

    /// Non-overlapping, sorted by start.
    private var spaces: [SpaceID: [Mapping]] = [:]
    private var generations: [Int32: UInt32] = [:]
    public private(set) var lostRecords: UInt64 = 0

    public init() {}

    public func generation(of pid: Int32) -> UInt32 { generations[pid] ?? 0 }

    public mutating func apply(_ event: MappingEvent) {
        switch event {
        case let .map(pid, start, length, offset, path, key):
            let id = SpaceID(pid: pid, generation: generation(of: pid))
            insert(Mapping(start: start, end: start + length, fileOffset: offset, path: path, moduleKey: key),
                   into: id)
        case let .exec(pid):
            generations[pid] = generation(of: pid) + 1
        case let .fork(pid, parent):
            generations[pid] = 0
            spaces[SpaceID(pid: pid, generation: 0)] =
                spaces[SpaceID(pid: parent, generation: generation(of: parent))] ?? []
        case let .lost(count):
            lostRecords += count
        }
    }

    public func mappings(_ id: SpaceID) -> [Mapping] { spaces[id] ?? [] }

    public func find(_ id: SpaceID, address: UInt64) -> Mapping? {
        guard let list = spaces[id] else { return nil }
        var low = 0, high = list.count
        while low < high {
            let mid = (low + high) / 2
            if list[mid].start <= address { low = mid + 1 } else { high = mid }
        }
        guard low > 0, address < list[low - 1].end else { return nil }
        return list[low - 1]
    }

    private mutating func insert(_ new: Mapping, into id: SpaceID) {
        var result: [Mapping] = []
        for old in spaces[id] ?? [] {
            if old.end <= new.start || old.start >= new.end {
                result.append(old)
                continue
            }
            if old.start < new.start {
                var left = old
                left.end = new.start
                result.append(left)
            }
            if old.end > new.end {
                var right = old
                right.fileOffset += new.end - old.start
                right.start = new.end
                result.append(right)
            }
        }
        result.append(new)
        result.sort { $0.start < $1.start }
        spaces[id] = result
    }
}
