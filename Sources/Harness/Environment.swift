import Foundation
import Model

extension EnvironmentFingerprint {
    /// This machine: kernel release, CPU model, online cores, flamegate version.
    public static func current() -> EnvironmentFingerprint {
        var name = utsname()
        uname(&name)
        let release = withUnsafeBytes(of: name.release) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
        let cpuinfo = (try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8)) ?? ""
        let model = cpuinfo.split(separator: "\n")
            .first { $0.hasPrefix("model name") }
            .flatMap { $0.split(separator: ":", maxSplits: 1).last }
            .map { $0.trimmingCharacters(in: .whitespaces) } ?? "unknown"
        return EnvironmentFingerprint(kernel: release, cpuModel: model,
                                      cores: ProcessInfo.processInfo.activeProcessorCount,
                                      flamegateVersion: Version.flamegate)
    }
}
