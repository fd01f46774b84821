import Testing
@testable import Model

@Suite struct ShardTests {
    @Test func parses() {
        #expect(Shard("1/3") != nil)
        #expect(Shard("3/3") != nil)
        #expect(Shard("0/3") == nil)
        #expect(Shard("4/3") == nil)
        #expect(Shard("a/b") == nil)
        #expect(Shard("2") == nil)
    }

    @Test func everyScenarioInExactlyOneShard() {
        let names = (0..<200).map { "scenario-\($0)" }
        let shards = (1...4).map { Shard("\($0)/4")! }
        for name in names {
            #expect(shards.filter { $0.includes(name) }.count == 1)
        }
        // roughly balanced
        for shard in shards {
            let n = names.filter(shard.includes).count
            #expect(n > 25 && n < 75, "\(shard): \(n)")
        }
    }

    @Test func stableUnderAdditions() {
        let shard = Shard("2/3")!
        let before = ["a", "b", "c", "d"].filter(shard.includes)
        let after = ["a", "b", "c", "d", "e", "f"].filter(shard.includes)
        #expect(Set(before).isSubset(of: Set(after)))
    }
}

@Suite struct QuantityTests {
    @Test func durations() {
        #expect(Quantity.seconds("30s") == 30)
        #expect(Quantity.seconds("500ms") == 0.5)
        #expect(Quantity.seconds("2m") == 120)
        #expect(Quantity.seconds("1.5s") == 1.5)
        #expect(Quantity.seconds("0s") == nil)
        #expect(Quantity.seconds("30") == nil)
        #expect(Quantity.seconds("-1s") == nil)
        #expect(Quantity.format(seconds: 1.5) == "1.5s")
        #expect(Quantity.format(seconds: 0.25) == "250ms")
    }

    @Test func percentages() {
        #expect(Quantity.fraction(percent: "5%") == 0.05)
        #expect(Quantity.fraction(percent: "5") == nil)
        #expect(Quantity.percentagePoints("2pp") == 2)
        #expect(Quantity.percentagePoints("200pp") == nil)
        #expect(Quantity.format(fraction: 0.05) == "5%")
        #expect(Quantity.format(fraction: 0.025) == "2.5%")
    }

    @Test func bytes() {
        #expect(Quantity.bytes("0") == 0)
        #expect(Quantity.bytes("64KiB") == 65536)
        #expect(Quantity.bytes("1MiB") == 1 << 20)
        #expect(Quantity.bytes("1MB") == 1_000_000)
        #expect(Quantity.bytes("lots") == nil)
    }
}
