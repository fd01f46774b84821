import Model
import Testing
@testable import Symbols

@Suite struct AddressSpacesTests {
    func id(_ pid: Int32, _ gen: UInt32) -> AddressSpaces.SpaceID { .init(pid: pid, generation: gen) }

    @Test func laterMappingReplacesTheOverlappedPart() {
        var s = AddressSpaces()
        s.apply(.map(pid: 1, start: 0x1000, length: 0x3000, fileOffset: 0, path: "/a", moduleKey: "a"))
        s.apply(.map(pid: 1, start: 0x2000, length: 0x1000, fileOffset: 0x500000, path: "/b", moduleKey: "b"))
        #expect(s.find(id(1, 0), address: 0x1800)?.path == "/a")
        #expect(s.find(id(1, 0), address: 0x2800)?.path == "/b")
        let right = s.find(id(1, 0), address: 0x3800)
        #expect(right?.path == "/a")
        #expect(right?.fileOffset == 0x2000, "the right remainder keeps its file offset")
        #expect(s.find(id(1, 0), address: 0x4000) == nil)
        #expect(s.mappings(id(1, 0)).count == 3)
    }

    @Test func execStartsAnEmptyGenerationAndForkCopies() {
        var s = AddressSpaces()
        s.apply(.map(pid: 1, start: 0x1000, length: 0x1000, fileOffset: 0, path: "/old", moduleKey: nil))
        s.apply(.fork(pid: 2, parent: 1))
        s.apply(.exec(pid: 1))
        s.apply(.map(pid: 1, start: 0x1000, length: 0x1000, fileOffset: 0, path: "/new", moduleKey: nil))
        #expect(s.generation(of: 1) == 1)
        #expect(s.find(id(1, 0), address: 0x1000)?.path == "/old")
        #expect(s.find(id(1, 1), address: 0x1000)?.path == "/new")
        #expect(s.find(id(2, 0), address: 0x1000)?.path == "/old", "the child inherited the parent's mappings")
    }

    @Test func lostRecordsAreCounted() {
        var s = AddressSpaces()
        s.apply(.lost(count: 3))
        s.apply(.lost(count: 2))
        #expect(s.lostRecords == 5)
    }
}
