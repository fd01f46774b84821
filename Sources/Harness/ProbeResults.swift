import Model
import Probes
import Symbols

/// Collects what every probe returned into the parts of a `Recording`.
struct ProbeResults {
    private(set) var lost: [LostCounter] = []
    private(set) var histograms: [NamedHistogram] = []
    private(set) var metrics: [String: Double] = [:]
    private(set) var unavailable: [String: String] = [:]
    private var byKind: [(String, Profile)] = []

    mutating func add(_ data: ProbeData, symbolizer: Symbolizer, processNames: [Int32: String]) {
        lost += data.lost
        histograms += data.histograms
        metrics.merge(data.metrics) { $1 }
        unavailable.merge(data.unavailable) { $1 }
        guard data.probe == .cpu || data.probe == .offcpu else { return }
        let profile = ProfileAssembler.profile(from: data, symbolizer: symbolizer)
        lost.append(LostCounter(source: data.probe.rawValue, name: "unknown_frames",
                                count: profile.frameResolution.unresolved,
                                meaning: "sampled frames no symbol covered, shown as module+0xOFFSET"))
        byKind.append((profile.kind, profile))
        if data.probe == .offcpu {
            byKind.append(("offwake", ProfileAssembler.wakerProfile(from: data, symbolizer: symbolizer,
                                                                   processNames: processNames)))
        }
    }

    private func profile(_ kind: String) -> Profile? { byKind.first { $0.0 == kind }?.1 }

    /// The probes' profiles, plus the wall-clock one when both cpu and offcpu ran.
    func profiles() -> [Profile] {
        var out = byKind.map(\.1)
        if let cpu = profile("cpu"), let off = profile("offcpu") {
            out.append(.wallClock(cpu: cpu, offCPU: off))
        }
        return out
    }

    func threadTimes(processes: [ProcessRecord], endSeconds: Double) -> [ThreadTime] {
        guard let cpu = profile("cpu"), let off = profile("offcpu") else { return [] }
        return ThreadTime.compute(processes: processes, cpu: cpu, offCPU: off, endSeconds: endSeconds)
    }
}
