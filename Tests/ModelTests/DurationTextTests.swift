import Testing
@testable import Model

/// One way to print a duration, for the reports and the findings' summaries alike.
@Suite struct DurationTextTests {
    @Test func unitsNeverRoundUpToAThousand() {
        // the findings' own formatter printed 0.99996 s as "1000.0 ms"
        #expect(DurationText.format(0.99996) == "1.000 s")
        #expect(DurationText.format(0.00099996) == "1.0 ms")
        #expect(DurationText.format(0.0009999) == "999.9 µs")
        #expect(DurationText.format(0.2493) == "249.3 ms")
        #expect(DurationText.format(45.6e-6) == "45.6 µs")
        #expect(DurationText.format(80e-9) == "80 ns")
        #expect(DurationText.format(0) == "0 s")
        #expect(DurationText.format(.nan) == "n/a")
    }

    @Test func changesCarryTheirSign() {
        #expect(DurationText.signed(1.101) == "+1.101 s")
        #expect(DurationText.signed(-0.0123) == "-12.3 ms")
        #expect(DurationText.signed(0) == "0 s")
    }
}
