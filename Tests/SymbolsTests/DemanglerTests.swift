import Testing
@testable import Symbols

@Suite struct DemanglerTests {
    @Test func swiftNames() {
        // $s4main3fooyyF is `main.foo() -> ()`
        #expect(Demangler.demangle("$s4main3fooyyF") == "main.foo() -> ()")
        #expect(Demangler.demangle("_$s4main3fooyyF") == "main.foo() -> ()")
    }

    @Test func cxxNames() {
        #expect(Demangler.demangle("_ZN3foo3barEi") == "foo::bar(int)")
        #expect(Demangler.demangle("_ZN3foo3barEi.cold") == "foo::bar(int) [clone .cold]")
    }

    @Test func plainNamesStayAsTheyAre() {
        #expect(Demangler.demangle("malloc") == "malloc")
        #expect(Demangler.demangle("_Znot_really") == "_Znot_really")
    }
}
