import ArgumentParser
import Foundation
import Harness

/// `flamegate bench-symbolize`: times symbolizing N addresses spread over the
/// executable mappings of this very process (libc, the Swift runtime,
/// Foundation…), cold (symbol tables parsed) and warm (cached). Used by `make bench`.
struct BenchSymbolize: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench-symbolize", abstract: "Benchmark the symbolizer on this process's own mappings.",
        shouldDisplay: false)

    @Option(help: "Addresses to symbolize.")
    var frames: Int = 100_000

    func run() throws {
        for line in SymbolizerBench.run(frames: frames) { print(line) }
    }
}
