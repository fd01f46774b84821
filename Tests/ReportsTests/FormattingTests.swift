import Analysis
import Foundation
import Model
import Testing
@testable import Reports

@Suite struct FormattingTests {
    @Test(arguments: [
        (1.234, "1.234 s"), (0.99995, "1.000 s"), (0.101, "101.0 ms"), (0.0123, "12.3 ms"),
        (0.00099994, "999.9 µs"), (0.0000456, "45.6 µs"), (0.0000009994, "999 ns"), (8e-8, "80 ns"),
        (0, "0 s"), (-0.0, "0 s"), (-0.0234, "-23.4 ms"), (Double.nan, "n/a"), (Double.infinity, "inf"),
    ])
    func seconds(value: Double, expected: String) {
        #expect(Formatting.seconds(value) == expected)
    }

    @Test func signedSecondsShowTheDirection() {
        #expect(Formatting.signedSeconds(0.101) == "+101.0 ms")
        #expect(Formatting.signedSeconds(-1.5) == "-1.500 s")
        #expect(Formatting.signedSeconds(0) == "0 s")
    }

    @Test func quantitiesUseTheirUnit() {
        #expect(Formatting.quantity(512, unit: "KiB") == "512 KiB")
        #expect(Formatting.quantity(10_240, unit: "KiB") == "10.0 MiB")
        #expect(Formatting.quantity(1_572_864, unit: "KiB") == "1.50 GiB")
        #expect(Formatting.quantity(3, unit: "count") == "3")
        #expect(Formatting.quantity(3.5, unit: "count") == "3.5")
        #expect(Formatting.quantity(1.25, unit: "") == "1.25")
        #expect(Formatting.quantity(42, unit: "ops") == "42 ops")
        #expect(Formatting.quantity(nil, unit: "s") == "-")
    }

    @Test func statisticsFormats() {
        #expect(Formatting.pValue(0.00018) == "0.0002")
        #expect(Formatting.pValue(0.00001) == "<0.0001")
        #expect(Formatting.pValue(1) == "1.0000")
        #expect(Formatting.interval(1.0819, 1.1251) == "[1.082, 1.125]")
        #expect(Formatting.points(2.5) == "+2.5 pp")
        #expect(Formatting.points(-2) == "-2.0 pp")
        #expect(Formatting.signedPercent(fraction: 0.1) == "+10.0%")
        #expect(Formatting.percent(50.1) == "50.1%")
    }

    @Test func controlCharactersBecomeVisible() {
        #expect(Formatting.visible("a\u{1B}[31mb\u{0}c\u{7F}\td\n") == "a^[[31mb^@c^?\td\n")
        #expect(Formatting.visible("x\u{9B}y\u{FFFE}z\u{FFFF}") == "x\u{FFFD}y\u{FFFD}z\u{FFFD}")
        #expect(Formatting.visible("µ → ünïcode") == "µ → ünïcode")
    }

    @Test func linesSplitLFAndCRLFAndDropTheBlankEnd() {
        #expect(Formatting.lines("a\r\nb\nc\r\n\n  \n") == ["a", "b", "c"])
        #expect(Formatting.lines("a\rb") == ["a^Mb"])
        #expect(Formatting.lines("") == [])
        #expect(Formatting.oneLine("one\r\ntwo") == "one two")
    }
}

@Suite struct TextTableTests {
    @Test func padsColumnsAndSpansNotes() {
        var table = TextTable([.left, .right, .left])
        table.add([.init("name"), .init("n"), .init("verdict")])
        table.add([.init("a"), .init("1234"), .init("PASS")])
        table.add(lead: [.init("b")], span: .init("note"), trail: [.init("FAIL")])
        table.add(lead: [.init("b")], span: .init("a longer note"), trail: [.init("FAIL")])
        table.add([.init("c"), .init("5"), .init("")])
        #expect(table.render(color: false, indent: "  ") == [
            "  name     n  verdict",
            "  a     1234  PASS",
            "  b     note  FAIL",
            "  b     a longer note  FAIL",
            "  c        5",
        ])
    }

    @Test func customGapsJoinColumnsIntoPhrases() {
        var table = TextTable([.right, .right], gaps: ["", " → "])
        table.add([.init("3.0%"), .init("52.6%")])
        table.add([.init("50.1%"), .init("1.0%")])
        #expect(table.render(color: false, indent: "") == [" 3.0% → 52.6%", "50.1% →  1.0%"])
    }

    @Test func colourWrapsTheTextNotThePadding() {
        var table = TextTable([.left, .right])
        table.add([.init("PASS", .green), .init("1", .bold)])
        table.add([.init("REGRESSED", .red), .init("22")])
        #expect(table.render(color: true, indent: "") == [
            "\u{1B}[32mPASS\u{1B}[0m        \u{1B}[1m1\u{1B}[0m",
            "\u{1B}[31mREGRESSED\u{1B}[0m  22",
        ])
    }
}
