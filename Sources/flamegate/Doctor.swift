import ArgumentParser
import Foundation
import Harness
import Model
import Probes

/// `flamegate doctor`: one line per kernel/machine capability and per probe.
struct Doctor: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Check what this machine and kernel let flamegate record.")

    @Flag(help: "Show libbpf's messages while probing.")
    var verbose = false

    func run() throws {
        Libbpf.captureLogs(verbose: verbose)
        let results = Capabilities.checkAll()
        let width = results.map(\.feature.rawValue.count).max() ?? 0
        for r in results {
            let name = r.feature.rawValue.padding(toLength: width, withPad: " ", startingAt: 0)
            print("\(name)  \(r.unavailable.map { "unavailable: \($0)" } ?? "ok")")
        }
        print("\("tracefs".padding(toLength: width, withPad: " ", startingAt: 0))  \(Tracefs.status())")
        print("")
        for probe in ProbeName.allCases {
            let status = ProbeRegistry.status(probe)
            let name = "probe \(probe.rawValue)".padding(toLength: width, withPad: " ", startingAt: 0)
            print("\(name)  \(status.unavailable.map { "unavailable: \($0)" } ?? "ok")")
        }
        let required: [CapabilityResult.Feature] = [.privileges, .btf, .bpfSyscall, .tpBTF]
        if results.contains(where: { required.contains($0.feature) && !$0.ok }) {
            throw ExitCode(ExitCodes.environment)
        }
    }
}
