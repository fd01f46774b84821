/// Function symbols sorted by address, with their names packed in one buffer so
/// that a table of 100k symbols costs two arrays, not 100k strings.
public struct SymbolTable: Sendable {
    public struct Entry: Sendable {
        public var address: UInt64
        /// 0 when the symbol table gave no size: the symbol then runs to the next one.
        public var size: UInt64
        public var nameOffset: UInt32
        /// Lower wins when several names share an address.
        public var rank: UInt32

        public init(address: UInt64, size: UInt64, nameOffset: UInt32, rank: UInt32) {
            self.address = address
            self.size = size
            self.nameOffset = nameOffset
            self.rank = rank
        }
    }

    private let entries: [Entry]
    private let names: [UInt8]

    /// `names` holds NUL-terminated strings at each entry's `nameOffset`.
    public init(entries: [Entry], names: [UInt8]) {
        let sorted = entries.sorted { ($0.address, $0.rank) < ($1.address, $1.rank) }
        // keep one name per address: the best-ranked alias
        var unique: [Entry] = []
        unique.reserveCapacity(sorted.count)
        for entry in sorted where unique.last?.address != entry.address {
            unique.append(entry)
        }
        self.entries = unique
        self.names = names
    }

    public var count: Int { entries.count }

    /// The function containing `address` and the offset into it, or nil.
    public func lookup(_ address: UInt64) -> (name: String, offset: UInt64)? {
        guard let hit = lookupIndex(address) else { return nil }
        return (name(ofIndex: hit.index), hit.offset)
    }

    /// Like `lookup`, without building the name: the index stays valid for `name(ofIndex:)`.
    public func lookupIndex(_ address: UInt64) -> (index: Int, offset: UInt64)? {
        // last entry whose address <= target
        var low = 0, high = entries.count
        while low < high {
            let mid = (low + high) / 2
            if entries[mid].address <= address { low = mid + 1 } else { high = mid }
        }
        guard low > 0 else { return nil }
        let entry = entries[low - 1]
        let offset = address - entry.address
        if entry.size > 0 {
            guard offset < entry.size else { return nil }
        } else if low < entries.count, entries[low].address <= address {
            return nil
        }
        return (low - 1, offset)
    }

    public func name(ofIndex index: Int) -> String {
        name(at: entries[index].nameOffset)
    }

    private func name(at offset: UInt32) -> String {
        let start = Int(offset)
        var end = start
        while end < names.count, names[end] != 0 { end += 1 }
        return String(decoding: names[start..<end], as: UTF8.self)
    }

    /// Alias ranking: strong before weak, fewer leading underscores, then shorter
    /// (`malloc` over `__libc_malloc`, `memcpy` over `__memcpy_avx_unaligned`).
    public static func rank(name: UnsafeBufferPointer<UInt8>, weak: Bool) -> UInt32 {
        var underscores: UInt32 = 0
        for byte in name {
            if byte == UInt8(ascii: "_") { underscores += 1 } else { break }
        }
        return (weak ? 1 << 24 : 0) | min(underscores, 255) << 16 | min(UInt32(name.count), 0xffff)
    }
}
