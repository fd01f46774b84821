import Foundation
import Harness
import Model
import TestSupport

/// Shorthands for the privileged tests.
enum Rec {
    static func record(_ command: [String], freq: UInt32 = 999, timeout: Double? = 60,
                       limits: ProbeLimits = ProbeLimits()) throws -> Recording {
        let dir = TestPaths.temporaryDirectory("rec")
        let spec = LaunchSpec(command: command, stdoutPath: dir.appendingPathComponent("out").path,
                              stderrPath: dir.appendingPathComponent("err").path)
        return try Recorder().record(RecordOptions(launch: spec, probes: [.cpu], probesExplicit: true,
                                                   frequencyHz: freq, timeoutSeconds: timeout, limits: limits))
    }
}

extension Profile {
    /// Inclusive share in percent of the functions whose name starts with `prefix`.
    func inclusivePercent(_ prefix: String) -> Double {
        let total = Double(total)
        guard total > 0 else { return 0 }
        var hit: UInt64 = 0
        for s in samples where s.frames.contains(where: { frames[$0].name.hasPrefix(prefix) }) { hit += s.value }
        return Double(hit) * 100 / total
    }

    func names(where predicate: (Frame) -> Bool) -> Set<String> {
        Set(frames.filter(predicate).map(\.name))
    }
}

extension Recording {
    var cpu: Profile { profile("cpu")! }

    func lost(_ name: String) -> UInt64 {
        lost.first { $0.name == name && $0.source == "cpu" }?.count ?? 0
    }
}

/// Per-function inclusive shares from `perf script` output of a callchain recording.
enum PerfReference {
    static func inclusiveShares(perfData: URL) throws -> [String: Double] {
        let script = try Command.check(["/usr/bin/perf", "script", "-i", perfData.path, "-F", "comm,ip,sym"]).stdout
        var counts: [String: Int] = [:]
        var total = 0
        for block in script.components(separatedBy: "\n\n") {
            let lines = block.split(separator: "\n").dropFirst()
            guard !lines.isEmpty else { continue }
            total += 1
            var seen = Set<String>()
            for line in lines {
                let fields = line.trimmingCharacters(in: .whitespaces)
                    .split(separator: " ", maxSplits: 1, omittingEmptySubsequences: true)
                guard fields.count == 2 else { continue }
                let sym = String(fields[1]).components(separatedBy: "+0x")[0]
                if sym != "[unknown]", seen.insert(sym).inserted { counts[sym, default: 0] += 1 }
            }
        }
        return counts.mapValues { Double($0) * 100 / Double(max(total, 1)) }
    }
}
