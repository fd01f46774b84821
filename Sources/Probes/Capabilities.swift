import CFlamegateBPF
import Foundation
import Model

/// One line of `flamegate doctor`: a kernel or machine feature and whether it works here.
public struct CapabilityResult: Sendable, Equatable {
    public enum Feature: String, CaseIterable, Sendable {
        case privileges = "root/capabilities"
        case btf = "BTF"
        case bpfSyscall = "bpf()"
        case tpBTF = "tp_btf"
        case rawSyscalls = "tp_btf sys_enter"
        case uprobes
        case perfCPUClock = "perf cpu-clock"
        case hardwarePMU = "hardware PMU"
        case kprobes
        case fentry
    }

    public var feature: Feature
    /// nil when usable.
    public var unavailable: String?

    public var ok: Bool { unavailable == nil }
}

/// Checks by doing: each BPF feature is probed by loading and attaching a real
/// (empty) program, not by reading config files.
public enum Capabilities {
    static let defaultBTF = "/sys/kernel/btf/vmlinux"

    /// Kernel BTF for CO-RE: `FLAMEGATE_BTF` when set (kernels without built-in
    /// BTF, with a BTFHub file), else the running kernel's.
    public static var btfPath: String {
        ProcessInfo.processInfo.environment["FLAMEGATE_BTF"].flatMap { $0.isEmpty ? nil : $0 } ?? defaultBTF
    }

    /// Makes every probe use `btfPath`; call once before opening probes.
    public static func configureBTF() {
        let path = btfPath
        fg_set_btf_path(path == defaultBTF ? nil : path)
    }

    public static func check(_ feature: CapabilityResult.Feature) -> CapabilityResult {
        CapabilityResult(feature: feature, unavailable: cachedReason(feature))
    }

    private static let lock = NSLock()
    nonisolated(unsafe) private static var checked: [CapabilityResult.Feature: String?] = [:]

    /// What the kernel can do does not change while flamegate runs: each
    /// feature is probed once per process, not once per recording (each probe
    /// loads, attaches and detaches a program).
    static func cachedReason(_ feature: CapabilityResult.Feature) -> String? {
        lock.lock()
        defer { lock.unlock() }
        if let known = checked[feature] { return known }
        let why = reason(feature)
        checked[feature] = .some(why)
        return why
    }

    public static func checkAll() -> [CapabilityResult] {
        CapabilityResult.Feature.allCases.map(check)
    }

    /// What a recording cannot start without; throws the first missing piece as one sentence.
    public static func requireRecording() throws {
        configureBTF()
        for feature in [CapabilityResult.Feature.privileges, .btf, .bpfSyscall, .tpBTF] {
            if let why = cachedReason(feature) {
                throw ProbeError.unavailable("cannot record: \(feature.rawValue) unavailable: \(why)")
            }
        }
    }

    static func reason(_ feature: CapabilityResult.Feature) -> String? {
        switch feature {
        case .privileges: return privilegeProblem()
        case .btf:
            let path = btfPath
            if !FileManager.default.fileExists(atPath: path) {
                return path == defaultBTF
                    ? "\(path) is missing: the kernel was built without CONFIG_DEBUG_INFO_BTF "
                        + "(point FLAMEGATE_BTF at a BTF file for this kernel, e.g. from BTFHub)"
                    : "FLAMEGATE_BTF=\(path): no such file"
            }
            return access(path, R_OK) == 0 ? nil : "\(path) is not readable (run as root)"
        case .bpfSyscall: return shim(FG_CAP_BPF_SYSCALL)
        case .rawSyscalls: return shim(FG_CAP_RAW_SYSCALLS)
        case .tpBTF: return shim(FG_CAP_TP_BTF)
        case .uprobes: return shim(FG_CAP_UPROBE)
        case .perfCPUClock: return shim(FG_CAP_PERF_CPU_CLOCK)
        case .kprobes: return shim(FG_CAP_KPROBE)
        case .fentry: return shim(FG_CAP_FENTRY)
        case .hardwarePMU:
            let devices = ["cpu", "cpu_core", "cpu_atom", "armv8_pmuv3", "armv8_pmuv3_0"]
                .map { "/sys/bus/event_source/devices/\($0)" }
            let shimReason = shim(FG_CAP_HW_PMU)
            if !devices.contains(where: { FileManager.default.fileExists(atPath: $0) }) {
                return "no PMU device in /sys/bus/event_source/devices (virtual machine without PMU passthrough?)"
                    + (shimReason.map { "; \($0)" } ?? "")
            }
            return shimReason
        }
    }

    private static func shim(_ cap: fg_cap) -> String? {
        var why = [CChar](repeating: 0, count: 512)
        let result = fg_caps_check(cap, &why, why.count)
        return result == 0 ? nil : String(decoding: why.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// nil when we are root or hold CAP_BPF+CAP_PERFMON (or CAP_SYS_ADMIN).
    static func privilegeProblem() -> String? {
        guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
              let line = status.split(separator: "\n").first(where: { $0.hasPrefix("CapEff:") }),
              let mask = UInt64(line.dropFirst("CapEff:".count).trimmingCharacters(in: .whitespaces), radix: 16)
        else { return geteuid() == 0 ? nil : "not root" }
        let sysAdmin: UInt64 = 1 << 21, perfmon: UInt64 = 1 << 38, bpf: UInt64 = 1 << 39
        if mask & sysAdmin != 0 || (mask & perfmon != 0 && mask & bpf != 0) { return nil }
        return "not root and missing CAP_BPF/CAP_PERFMON (run with sudo)"
    }
}

/// Where tracefs is mounted, for `flamegate doctor`: flamegate attaches every
/// program through BTF and does not need it, but bpftrace and perf's
/// tracepoint events (the references tests compare against) do.
public enum Tracefs {
    /// The mount points of tracefs (or debugfs's tracing directory) in `mounts`.
    public static func mountPoints(_ mounts: String) -> [String] {
        mounts.split(separator: "\n").compactMap { line in
            let fields = line.split(separator: " ")
            guard fields.count >= 3 else { return nil }
            if fields[2] == "tracefs" { return String(fields[1]) }
            if fields[2] == "debugfs",
               FileManager.default.fileExists(atPath: "\(fields[1])/tracing/events") {
                return "\(fields[1])/tracing"
            }
            return nil
        }
    }

    /// One line: mounted where, or not, and who would need it.
    public static func status() -> String {
        let mounts = (try? String(contentsOfFile: "/proc/self/mounts", encoding: .utf8)) ?? ""
        let points = mountPoints(mounts)
        if points.isEmpty {
            return "not mounted (not needed: every flamegate probe attaches through BTF; bpftrace and "
                + "perf tracepoint events need it: mount -t tracefs nodev /sys/kernel/tracing)"
        }
        return "mounted at \(points.joined(separator: ", ")) (not needed by flamegate)"
    }
}
