// A small Swift program whose hot function must appear demangled in profiles.

struct Accumulator {
    var state: UInt64 = 1

    @inline(never)
    mutating func mix(rounds: Int) -> UInt64 {
        for i in 0..<rounds {
            state = state &* 6364136223846793005 &+ UInt64(truncatingIfNeeded: i)
        }
        return state
    }
}

@inline(never)
func burnSwift(iterations: Int) -> UInt64 {
    var acc = Accumulator()
    var total: UInt64 = 0
    for _ in 0..<iterations {
        total ^= acc.mix(rounds: 100_000)
    }
    return total
}

let iterations = CommandLine.arguments.count > 1 ? Int(CommandLine.arguments[1]) ?? 3000 : 3000
print(burnSwift(iterations: iterations) & 1)
