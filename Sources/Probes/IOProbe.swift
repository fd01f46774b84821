import CFlamegateBPF
import Foundation
import Model

/// Block I/O latency per device and operation (all requests completed while
/// recording, attributed to the tracked tree where it submitted them; BCC's
/// biolatency/biotop) and the latency of the tracked tree's I/O and waiting
/// syscalls.
public final class IOProbe: Probe {
    public let name = ProbeName.io
    /// The syscalls timed, with this architecture's number of each (nil: it has none).
    static let numbers: [(name: String, number: Int32?)] = {
        #if arch(x86_64)
        let poll: Int32? = SYS_poll, epollWait: Int32? = SYS_epoll_wait
        #else
        let poll: Int32? = nil, epollWait: Int32? = nil
        #endif
        return [("read", SYS_read), ("write", SYS_write), ("pread64", SYS_pread64), ("pwrite64", SYS_pwrite64),
                ("fsync", SYS_fsync), ("fdatasync", SYS_fdatasync), ("openat", SYS_openat), ("connect", SYS_connect),
                ("accept4", SYS_accept4), ("recvfrom", SYS_recvfrom), ("sendto", SYS_sendto), ("poll", poll),
                ("ppoll", SYS_ppoll), ("epoll_wait", epollWait), ("futex", SYS_futex), ("nanosleep", SYS_nanosleep),
                ("clock_nanosleep", SYS_clock_nanosleep)]
    }()

    public static let syscalls = numbers.map(\.name)

    /// The slot (1-based) the kernel side times syscall `i` of `syscalls` in, nil when it is not timed.
    static func slot(_ i: Int) -> UInt32? {
        guard i < Int(FG_IO_MAX_SYSCALLS), let nr = numbers[i].number, nr >= 0, nr < FG_IO_MAX_SYSCALL_NR else { return nil }
        return UInt32(i + 1)
    }
    /// A p99 of fewer calls than this per run says nothing: no metric then.
    public static let minimumCallsForP99: UInt64 = 20

    private var object: BPFObject?

    public init() {}

    /// block_io_start (Linux 6.5+) marks a request's start where the kernel has it.
    private static let kernelHasBlockIOStart = fg_kernel_has_tracepoint("block_io_start") == 1

    public func attach(tracker: Tracker) throws {
        let object = try BPFObject("io")
        if !Self.kernelHasBlockIOStart { try object.leaveOut("on_io_start") }
        let what = "io.bpf.c on block_rq_issue/complete and tp_btf sys_enter/sys_exit"
        try object.load(tracker: tracker, what)
        // which syscalls are timed: slot i + 1 of the syscalls map for syscall number nr
        let slots = object.map("syscall_slots")
        for i in Self.syscalls.indices {
            guard var slot = Self.slot(i), var key = Self.numbers[i].number.map(UInt32.init) else { continue }
            try ProbeError.check(fg_map_update(slots, &key, &slot), "choosing the syscalls the io probe times")
        }
        try object.attach(what)
        self.object = object
    }

    public func cost() -> ProbeCost? { object?.cost() }

    /// Which syscalls are timed was set once, at attach.
    public func reset() throws { try object?.reset(keeping: ["syscall_slots"]) }

    public func collect(tracker: Tracker) throws -> ProbeData {
        guard let object else { throw ProbeError.unavailable("io probe was not attached") }
        var histograms: [NamedHistogram] = []
        var metrics: [String: Double] = [:]
        var unavailable: [String: String] = [:]

        // block I/O, per device and operation
        var keys = [fg_block_key](repeating: fg_block_key(), count: 256)
        var values = [fg_hist](repeating: fg_hist(), count: 256)
        let n = fg_map_dump(object.map("block"), MemoryLayout<fg_block_key>.stride, MemoryLayout<fg_hist>.stride,
                            &keys, &values, 256)
        try ProbeError.check(Int32(clamping: n), "reading the io probe's block map")
        // one histogram per device and operation; the gated percentiles come
        // from the requests the target submitted only: the disk is shared, and
        // other processes' I/O is no evidence against the target
        var merged: [String: NamedHistogram] = [:]
        var own = LatencyHistogram()
        for i in 0..<n {
            let k = keys[i], v = values[i]
            let h = LatencyHistogram(v)
            let name = "block.\(BlockDevices.name(k.dev)).\(BlockDevices.operation(UInt32(k.op)))"
            var entry = merged[name] ?? NamedHistogram(probe: "io", name: name, histogram: LatencyHistogram(), bytes: 0,
                                                       attributedCount: 0, attributedBytes: 0)
            entry.histogram.merge(h)
            entry.bytes = (entry.bytes ?? 0) + v.bytes
            if k.tracked != 0 {
                entry.attributedCount = (entry.attributedCount ?? 0) + h.count
                entry.attributedBytes = (entry.attributedBytes ?? 0) + v.bytes
                own.merge(h)
            }
            merged[name] = entry
        }
        histograms += merged.values.sorted { $0.name < $1.name }
        metrics[Metric.blockRequests.id] = Double(own.count)
        if let p50 = own.quantile(0.5), let p90 = own.quantile(0.9), let p99 = own.quantile(0.99) {
            metrics[Metric.blockP50.id] = p50 / 1e9
            metrics[Metric.blockP90.id] = p90 / 1e9
            metrics[Metric.blockP99.id] = p99 / 1e9
        }

        // syscalls
        let fd = object.map("syscalls")
        for (i, name) in Self.syscalls.enumerated() {
            if Self.slot(i) == nil {
                unavailable[Metric.syscallP99(name).id] = "no \(name) syscall on this architecture"
                continue
            }
            guard let raw = HistogramMap.array(fd, index: UInt32(i)), raw.count > 0 else { continue }
            let h = LatencyHistogram(raw)
            histograms.append(NamedHistogram(probe: "io", name: "syscall.\(name)", histogram: h))
            if h.count >= Self.minimumCallsForP99, let p99 = h.quantile(0.99) {
                metrics[Metric.syscallP99(name).id] = p99 / 1e9
            }
        }
        let stats = object.map("stats")
        func stat(_ slot: fg_io_stat) -> UInt64 { percpuSum(stats, slot.rawValue) }
        let lost = [
            LostCounter(source: "io", name: "lost_block_requests", count: stat(FG_IO_BLOCK_STARTS_FULL),
                        meaning: "block requests not timed because too many were in flight"),
            LostCounter(source: "io", name: "lost_block_histograms", count: stat(FG_IO_BLOCK_KEYS_FULL),
                        meaning: "block completions dropped: too many device/operation pairs"),
            LostCounter(source: "io", name: "lost_syscalls", count: stat(FG_IO_SYSCALL_STARTS_FULL),
                        meaning: "syscalls not timed because too many threads were inside one at once"),
        ]
        return ProbeData(probe: .io, histograms: histograms, metrics: metrics, unavailable: unavailable, lost: lost)
    }
}

/// Names of block devices and request operations.
enum BlockDevices {
    /// `vda` for dev_t major<<20|minor, from /sys/dev/block/MAJ:MIN/uevent.
    static func name(_ dev: UInt32) -> String {
        let major = dev >> 20, minor = dev & 0xfffff
        let uevent = "/sys/dev/block/\(major):\(minor)/uevent"
        if let text = try? String(contentsOfFile: uevent, encoding: .utf8),
           let line = text.split(separator: "\n").first(where: { $0.hasPrefix("DEVNAME=") }) {
            return String(line.dropFirst("DEVNAME=".count))
        }
        return "\(major):\(minor)"
    }

    /// REQ_OP_* names (include/linux/blk_types.h).
    static func operation(_ op: UInt32) -> String {
        switch op {
        case 0: return "read"
        case 1: return "write"
        case 2: return "flush"
        case 3: return "discard"
        case 5: return "secure_erase"
        case 9: return "write_zeroes"
        default: return "op\(op)"
        }
    }
}
