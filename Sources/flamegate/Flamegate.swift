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

    /// The one place errors become exit codes: a `CLIError` its own (2 for
    /// the environment), bad usage 2 (ArgumentParser's would be 64), the
    /// verdict's `ExitCode` as thrown.
    static func main() {
        do {
            var command = try parseAsRoot()
            try command.run()
        } catch let error as CLIError {
            Console.write("flamegate: error: \(error.description)\n", to: STDERR_FILENO)
            Foundation.exit(error.code)
        } catch {
            if exitCode(for: error) == .validationFailure {
                Console.write("flamegate: error: " + fullMessage(for: error).replacingOccurrences(of: "Error: ", with: "") + "\n",
                              to: STDERR_FILENO)
                Foundation.exit(ExitCodes.environment)
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

/// What a subcommand ends with when it cannot go on: one sentence naming
/// the file, flag or facility and what was expected, and the exit code
/// (2: bad usage, or a machine that cannot do what was asked).
struct CLIError: Error, CustomStringConvertible {
    let description: String
    let code: Int32

    init(_ message: String, code: Int32 = ExitCodes.environment) {
        description = message
        self.code = code
    }
}

extension CLIError {
    /// Runs a step of the library whose every error stops the command with
    /// exit 2 (the machine, a scenario or baseline file, a base tree): its
    /// message becomes the CLI's one sentence.
    static func map<T>(_ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch let error as CLIError {
            throw error
        } catch let error as any EnvironmentProblem {
            throw CLIError(error.description)
        } catch {
            throw CLIError("\(error)")
        }
    }
}
