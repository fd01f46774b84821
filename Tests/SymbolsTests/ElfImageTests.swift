import Foundation
import Testing
import TestSupport
@testable import Symbols

@Suite struct ElfImageTests {
    @Test func readsSymbolsAndBuildIDOfACompiledProgram() throws {
        let binary = try Fixtures.c("ratio")
        let image = try ElfImage.read(path: binary.path)
        #expect(image.hasSymtab)
        #expect(!image.isExecutableType, "gcc builds PIE by default")
        let buildID = try #require(image.buildID)
        #expect(buildID.count == 40)
        // the file offset nm reports for burn_heavy maps back to its symbol
        let nm = try Command.check(["/usr/bin/nm", binary.path]).stdout
        let line = try #require(nm.split(separator: "\n").first { $0.hasSuffix(" burn_heavy") })
        let address = try #require(UInt64(line.split(separator: " ")[0], radix: 16))
        #expect(image.symbols.lookup(address + 4)?.name == "burn_heavy")
    }

    @Test func strippedFileFindsItsSymbolsThroughDebuglink() throws {
        let binary = try Fixtures.c("ratio")
        let dir = TestPaths.temporaryDirectory("debuglink")
        let stripped = dir.appendingPathComponent("ratio")
        let debug = dir.appendingPathComponent("ratio.debug")
        try Command.check(["/usr/bin/objcopy", "--only-keep-debug", binary.path, debug.path])
        try Command.check(["/usr/bin/objcopy", "--strip-all", "--add-gnu-debuglink=\(debug.path)", binary.path,
                           stripped.path])
        let image = try ElfImage.read(path: stripped.path)
        #expect(!image.hasSymtab)
        #expect(image.debugLink == "ratio.debug")
        #expect(image.symbols.lookup(0) == nil)
        let found = try #require(DebugFiles.find(for: image, path: stripped.path))
        #expect(found.path == debug.path)
        let module = try #require(ModuleCache.load(fd: open(stripped.path, O_RDONLY), path: stripped.path))
        #expect(module.symbolSource == debug.path)
        #expect(module.symbols.count > 5)
    }

    @Test func buildIDPathFollowsTheGDBLayout() {
        let paths = DebugFiles.candidates(buildID: "abcdef0123", path: "/usr/bin/x", debugLink: "x.debug")
        #expect(paths == ["/usr/lib/debug/.build-id/ab/cdef0123.debug", "/usr/bin/x.debug",
                          "/usr/bin/.debug/x.debug", "/usr/lib/debug/usr/bin/x.debug"])
    }

    @Test func vdsoHasTheTimeFunctions() throws {
        let vdso = try ElfImage.vdso().image
        #expect(vdso.symbols.count > 0)
        #expect(vdso.buildID != nil)
    }
}
