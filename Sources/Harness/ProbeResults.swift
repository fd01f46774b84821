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
    private var blocks: [Int32: UInt64] = [:]

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
            for raw in data.stacks where raw.state != "runnable" { blocks[raw.tid, default: 0] += raw.count }
            byKind.append(("offwake", ProfileAssembler.wakerProfile(from: data, symbolizer: symbolizer,
                                                                   processNames: processNames)))
        }
    }

    /// The alloc probe's results, assembled by `AllocationAssembler`.
    mutating func addAllocations(_ report: AllocationReport, profiles: [Profile]) {
        metrics.merge(report.metrics) { $1 }
        byKind += profiles.map { ($0.kind, $0) }
        if let alloc = profiles.first(where: { $0.kind == "alloc" }) {
            lost.append(LostCounter(source: "alloc", name: "unknown_frames", count: alloc.frameResolution.unresolved,
                                    meaning: "frames of allocation stacks no symbol covered, shown as module+0xOFFSET"))
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
        return ThreadTime.compute(processes: processes, cpu: cpu, offCPU: off, endSeconds: endSeconds, blocks: blocks)
    }
}
