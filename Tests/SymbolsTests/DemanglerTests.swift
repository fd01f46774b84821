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

@Suite struct CloneSuffixTests {
    @Test func gccClonesFoldIntoTheirFunction() {
        #expect(Demangler.displayName("parse_request.constprop.0") == "parse_request")
        #expect(Demangler.displayName("msort_with_tmp.part.0") == "msort_with_tmp")
        #expect(Demangler.displayName("f.isra.0.cold") == "f")
        #expect(Demangler.displayName("_ZN3foo3barEi.cold") == "foo::bar(int)")
    }

    @Test func otherDotsStay() {
        #expect(Demangler.displayName("$s4main3fooyyF") == "main.foo() -> ()")
        #expect(Demangler.displayName("name.with.dots") == "name.with.dots")
        #expect(Demangler.displayName("x.part") == "x")
        #expect(Demangler.displayName(".cold") == ".cold")
    }
}
