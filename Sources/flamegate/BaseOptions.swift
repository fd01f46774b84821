import ArgumentParser
import Foundation

/// What `run` compares with when the base is measured in the same run.
struct BaseOptions: ParsableArguments {
    @Option(help: ArgumentHelp(
        "Measure git revision REF of the scenarios' repository too, interleaved with the change, and compare pair by pair.",
        valueName: "REF"))
    var base: String?

    @Option(help: ArgumentHelp("The base already checked out (or built) in DIR: its copies of the scenario files.",
                               valueName: "DIR"))
    var baseDir: String?

    @Option(help: ArgumentHelp("Set NAME=VALUE for the base side's build and runs (repeatable); alone: the same tree.",
                               valueName: "NAME=VALUE"))
    var baseEnv: [String] = []

    @Option(help: ArgumentHelp("Against a base measured in the same run, the most pairs an inconclusive scenario "
        + "grows to (default: each scenario's max_repetitions, else twice its repetitions)."))
    var maxRepetitions: Int?

    func validate() throws {
        if base != nil, baseDir != nil { throw ValidationError("--base and --base-dir: give one of them, not both") }
        for item in baseEnv {
            guard let eq = item.firstIndex(of: "="), eq != item.startIndex,
                  item[..<eq].allSatisfy({ $0 == "_" || $0.isASCII && ($0.isLetter || $0.isNumber) }) else {
                throw ValidationError("--base-env \(item): expected NAME=VALUE with NAME made of letters, digits and _")
            }
        }
        if let maxRepetitions, !(2...10_000).contains(maxRepetitions) {
            throw ValidationError("--max-repetitions \(maxRepetitions): expected 2 to 10000")
        }
        if maxRepetitions != nil, !isSet {
            throw ValidationError("--max-repetitions needs a base measured in the same run: --base, --base-dir or --base-env")
        }
    }

    /// Whether a base is measured in this run.
    var isSet: Bool { base != nil || baseDir != nil || !baseEnv.isEmpty }

    var environment: [String: String] {
        Dictionary(baseEnv.map { item in
            let eq = item.firstIndex(of: "=")!
            return (String(item[..<eq]), String(item[item.index(after: eq)...]))
        }, uniquingKeysWith: { $1 })
    }
}
