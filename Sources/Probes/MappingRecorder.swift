import CFlamegateBPF
import Foundation
import Model

/// Records the tracked tree's executable mappings, execs and forks as they
/// happen, through perf's MMAP2/COMM/FORK side-band records.
public final class MappingRecorder: @unchecked Sendable {
    private let handle: OpaquePointer

    /// Must be opened on the held target, before it execs.
    public init(pid: Int32, pagesPerCPU: Int = 256) throws {
        var out: OpaquePointer?
        try ProbeError.check(fg_mmaptrack__open(pid, pagesPerCPU, &out),
                             "perf_event_open of the mapping tracker for pid \(pid)", libbpfLog: false)
        handle = out!
    }

    deinit { fg_mmaptrack__destroy(handle) }

    /// Events since the last call, in time order.
    public func read() throws -> [MappingEvent] {
        var records: UnsafePointer<fg_map_record>?
        var count = 0
        try ProbeError.check(fg_mmaptrack__read(handle, &records, &count), "reading mapping records",
                             libbpfLog: false)
        guard let records else { return [] }
        var events: [MappingEvent] = []
        for i in 0..<count {
            if let event = MappingRecorder.event(records[i]) { events.append(event) }
        }
        return events
    }

    static func event(_ r: fg_map_record) -> MappingEvent? {
        let pid = Int32(bitPattern: r.pid)
        switch Int32(r.kind) {
        case Int32(FG_REC_MMAP.rawValue):
            let path = r.name.map { String(cString: $0) } ?? ""
            return .map(pid: pid, start: r.addr, length: r.len, fileOffset: r.pgoff, path: path,
                        moduleKey: moduleKey(r, path: path))
        case Int32(FG_REC_COMM.rawValue):
            return r.comm_exec != 0 ? .exec(pid: pid) : nil
        case Int32(FG_REC_FORK.rawValue):
            let parent = Int32(truncatingIfNeeded: r.addr)
            return parent != pid ? .fork(pid: pid, parent: parent) : nil
        case Int32(FG_REC_LOST.rawValue):
            return .lost(count: r.lost)
        default:
            return nil
        }
    }

    /// nil for mappings with no file behind them.
    static func moduleKey(_ r: fg_map_record, path: String) -> String? {
        if path == "[vdso]" { return "[vdso]" }
        guard path.hasPrefix("/"), !path.hasPrefix("/memfd:"), !path.hasSuffix(" (deleted)") || r.build_id_size > 0
        else { return nil }
        let size = Int(r.build_id_size)
        let buildID = size > 0
            ? withUnsafeBytes(of: r.build_id) { $0.prefix(size).map { String(format: "%02x", $0) }.joined() }
            : nil
        return MappingEvent.moduleKey(buildID: buildID, path: path,
                                      device: UInt64(r.maj) << 32 | UInt64(r.min), inode: r.ino)
    }

    /// Executable mappings of a live process from /proc/PID/maps: the address
    /// space a held child had before its first exec.
    public static func snapshot(pid: Int32) -> [MappingEvent] {
        guard let text = try? String(contentsOfFile: "/proc/\(pid)/maps", encoding: .utf8) else { return [] }
        var events: [MappingEvent] = []
        for line in text.split(separator: "\n") {
            // start-end perms offset dev inode path
            let fields = line.split(separator: " ", maxSplits: 5, omittingEmptySubsequences: true)
            guard fields.count >= 5, fields[1].contains("x") else { continue }
            let range = fields[0].split(separator: "-")
            guard range.count == 2, let start = UInt64(range[0], radix: 16), let end = UInt64(range[1], radix: 16),
                  let offset = UInt64(fields[2], radix: 16) else { continue }
            let path = fields.count == 6 ? fields[5].trimmingCharacters(in: .whitespaces) : ""
            let inode = UInt64(fields[4]) ?? 0
            let key: String? = path == "[vdso]" ? "[vdso]"
                : path.hasPrefix("/") ? MappingEvent.moduleKey(buildID: nil, path: path, device: 0, inode: inode) : nil
            events.append(.map(pid: pid, start: start, length: end - start, fileOffset: offset, path: path,
                               moduleKey: key))
        }
        return events
    }
}
