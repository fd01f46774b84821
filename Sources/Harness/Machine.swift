import Foundation
import Model
import Probes

/// What the commands ask of the machine, so that the CLI needs none of the
/// probes' types: getting ready to record, and `flamegate doctor`'s checks.
public enum Machine {
    /// Before recording: libbpf's messages captured (printed with
    /// `verbose`, else kept for the errors that need them), SIGPIPE ignored,
    /// the scratch files of killed earlier runs removed; throws a
    /// `ProbeError` (an `EnvironmentProblem`) saying what this machine lacks.
    public static func prepareToRecord(verbose: Bool) throws {
        Libbpf.captureLogs(verbose: verbose)
        signal(SIGPIPE, SIG_IGN)
        StaleScratch.clean()
        try Capabilities.requireRecording()
    }

    /// One line of `flamegate doctor`: a capability or a probe, and why it is unavailable (nil: ok).
    public struct Check: Sendable {
        public var name: String
        public var unavailable: String?
        /// Without it nothing can be recorded.
        public var required: Bool
    }

    /// Every kernel and machine capability, then every probe.
    public static func checks(verbose: Bool) -> (capabilities: [Check], probes: [Check]) {
        Libbpf.captureLogs(verbose: verbose)
        let required: [CapabilityResult.Feature] = [.privileges, .btf, .bpfSyscall, .tpBTF]
        let capabilities = Capabilities.checkAll().map {
            Check(name: $0.feature.rawValue, unavailable: $0.unavailable, required: required.contains($0.feature))
        }
        let probes = ProbeName.allCases.map {
            Check(name: "probe \($0.rawValue)", unavailable: ProbeRegistry.status($0).unavailable, required: false)
        }
        return (capabilities, probes)
    }

    /// tracefs's state, as doctor shows it (flamegate does not need it).
    public static var tracefs: String { Tracefs.status() }
}
