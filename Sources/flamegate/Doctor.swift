import ArgumentParser
import Foundation
import Harness
import Model

/// `flamegate doctor`: one line per kernel/machine capability and per probe.
struct Doctor: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Check what this machine and kernel let flamegate record.")

    @Flag(help: "Show libbpf's messages while probing.")
    var verbose = false

    func run() throws {
        let (capabilities, probes) = Machine.checks(verbose: verbose)
        let width = capabilities.map(\.name.count).max() ?? 0
        func line(_ name: String, _ status: String) {
            print("\(name.padding(toLength: max(width, name.count), withPad: " ", startingAt: 0))  \(status)")
        }
        for c in capabilities { line(c.name, c.unavailable.map { "unavailable: \($0)" } ?? "ok") }
        line("tracefs", Machine.tracefs)
        print("")
        for p in probes { line(p.name, p.unavailable.map { "unavailable: \($0)" } ?? "ok") }
        if capabilities.contains(where: { $0.required && $0.unavailable != nil }) {
            throw ExitCode(ExitCodes.environment)
        }
    }
}
