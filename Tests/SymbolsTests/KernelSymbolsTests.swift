import Foundation
import Testing
@testable import Symbols

@Suite struct KernelSymbolsTests {
    static let text = """
        ffffffff81000000 T _stext
        ffffffff81000100 t do_one_thing
        ffffffff81000200 D some_data
        ffffffff81000300 W weak_func
        ffffffffc0001000 t mod_func\t[e1000]
        ffffffffc0001100 T mod_other\t[e1000]

        """

    @Test func parsesTextSymbolsAndModules() {
        let k = KernelSymbols(kallsyms: Array(Self.text.utf8))
        #expect(k.available)
        #expect(k.lookup(0xffffffff81000150)?.name == "do_one_thing")
        #expect(k.lookup(0xffffffff81000150)?.module == "[kernel]")
        #expect(k.lookup(0xffffffff81000250)?.name == "do_one_thing", "data symbols are skipped")
        #expect(k.lookup(0xffffffff81000300)?.name == "weak_func")
        #expect(k.lookup(0xffffffffc0001010)?.name == "mod_func")
        #expect(k.lookup(0xffffffffc0001010)?.module == "[e1000]")
        #expect(k.lookup(0x1000) == nil)
    }

    @Test func hiddenAddressesMeanUnavailable() {
        let k = KernelSymbols(kallsyms: Array("0000000000000000 T _stext\n0000000000000000 t f\n".utf8))
        #expect(!k.available)
        #expect(k.lookup(0) == nil)
    }

    @Test(.enabled(if: geteuid() == 0, "kallsyms shows real addresses to root only"))
    func loadsThisKernel() throws {
        let k = try KernelSymbols.load()
        #expect(k.available)
    }
}
