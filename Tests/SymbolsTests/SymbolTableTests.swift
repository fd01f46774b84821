import Testing
@testable import Symbols

@Suite struct SymbolTableTests {
    /// names packed as the ELF reader packs them
    static func table(_ symbols: [(String, UInt64, UInt64, Bool)]) -> SymbolTable {
        var names: [UInt8] = []
        var entries: [SymbolTable.Entry] = []
        for (name, address, size, weak) in symbols {
            let bytes = Array(name.utf8)
            let rank = bytes.withUnsafeBufferPointer { SymbolTable.rank(name: $0, weak: weak) }
            entries.append(.init(address: address, size: size, nameOffset: UInt32(names.count), rank: rank))
            names += bytes + [0]
        }
        return SymbolTable(entries: entries, names: names)
    }

    @Test func findsContainingFunctionAndOffset() {
        let t = Self.table([("b", 0x2000, 0x100, false), ("a", 0x1000, 0x80, false)])
        #expect(t.lookup(0x1000)?.name == "a")
        #expect(t.lookup(0x107f)?.offset == 0x7f)
        #expect(t.lookup(0x2050)?.name == "b")
    }

    @Test func addressesOutsideEverySymbolAreNil() {
        let t = Self.table([("a", 0x1000, 0x80, false), ("b", 0x2000, 0x100, false)])
        #expect(t.lookup(0xfff) == nil)
        #expect(t.lookup(0x1080) == nil, "past a sized symbol's end")
        #expect(t.lookup(0x2100) == nil)
    }

    @Test func sizelessSymbolRunsToTheNextOne() {
        let t = Self.table([("start", 0x1000, 0, false), ("next", 0x1400, 0, false)])
        #expect(t.lookup(0x13ff)?.name == "start")
        #expect(t.lookup(0x1400)?.name == "next")
        #expect(t.lookup(0x9000)?.name == "next")
    }

    @Test func aliasesPreferStrongShortPublicNames() {
        let t = Self.table([("__libc_malloc", 0x1000, 0x40, false), ("malloc", 0x1000, 0x40, false),
                            ("weak_alias", 0x2000, 0x10, true), ("__strong", 0x2000, 0x10, false)])
        #expect(t.lookup(0x1010)?.name == "malloc")
        #expect(t.lookup(0x2000)?.name == "__strong", "a strong name beats a weak alias")
        #expect(t.count == 2)
    }
}
