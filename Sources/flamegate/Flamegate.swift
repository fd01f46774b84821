import ArgumentParser
import Foundation
import Harness
import Model

/// flamegate: a performance-regression gate for CI, built on eBPF.
@main
struct Flamegate: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "flamegate",
        abstract: "Profile programs with eBPF and gate CI on performance regressions.",
        version: Version.flamegate,
        subcommands: [Run.self, BaselineCommand.self, Compare.self, Merge.self, Record.self, Doctor.self, BenchSymbolize.self]
    )

    /// ArgumentParser exits 64 on bad usage; flamegate's contract is 2.
    static func main() {
        do {
            var command = try parseAsRoot()
            try command.run()
        } catch {
            let code = exitCode(for: error)
            if code == .validationFailure {
                fail(fullMessage(for: error).replacingOccurrences(of: "Error: ", with: ""))
            }
            exit(withError: error)
        }
    }
}

/// Exit codes every subcommand uses.
enum ExitCodes {
    static let success: Int32 = 0
    /// A regression (or a failed scenario).
    static let regression: Int32 = 1
    /// Bad usage, or the machine cannot do what was asked.
    static let environment: Int32 = 2
}

/// Prints a one-sentence error and exits with code 2.
func fail(_ message: String) -> Never {
    Console.write("flamegate: error: \(message)\n", to: STDERR_FILENO)
    Foundation.exit(ExitCodes.environment)
}
