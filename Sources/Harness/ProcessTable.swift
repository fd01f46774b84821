import Foundation
import Model
import Probes

/// Builds the process list of a recording from the tracker's lifecycle events.
struct ProcessTable {
    private var processes: [Int32: ProcessRecord] = [:]
    private var order: [Int32] = []
    private let origin: UInt64
    let rootPid: Int32
    /// Monotonic time the root process exited, from its exit event.
    private(set) var rootExitNanoseconds: UInt64?

    /// `origin`: monotonic time the target was released.
    init(rootPid: Int32, origin: UInt64) {
        self.rootPid = rootPid
        self.origin = origin
        add(ProcessRecord(pid: rootPid, parentPid: nil, names: [], executables: [], threads: [],
                          startSeconds: 0, endSeconds: nil, exitStatus: nil))
    }

    private mutating func add(_ record: ProcessRecord) {
        if processes[record.pid] == nil { order.append(record.pid) }
        processes[record.pid] = record
    }

    private func seconds(_ ns: UInt64) -> Double {
        ns >= origin ? Double(ns - origin) / 1e9 : 0
    }

    /// Processes forked that have not exited yet.
    var alive: [Int32] {
        order.filter { processes[$0]?.endSeconds == nil }
    }

    mutating func apply(_ e: ProcessEvent) {
        switch e.kind {
        case .fork:
            let start = seconds(e.timeNanoseconds)
            add(ProcessRecord(pid: e.pid, parentPid: e.parentPid, names: [e.comm], executables: [],
                              threads: [ThreadRecord(tid: e.tid, name: e.comm, startSeconds: start)],
                              startSeconds: start, endSeconds: nil, exitStatus: nil))
        case .thread:
            let start = seconds(e.timeNanoseconds)
            update(e.pid) { $0.threads.append(ThreadRecord(tid: e.tid, name: e.comm, startSeconds: start)) }
        case .exec:
            let isRoot = e.pid == rootPid
            update(e.pid) {
                $0.names.append(e.comm)
                $0.executables.append(e.filename)
                if let i = $0.threads.firstIndex(where: { $0.tid == e.pid }) {
                    $0.threads[i].name = e.comm
                } else {
                    $0.threads.insert(ThreadRecord(tid: e.pid, name: e.comm, startSeconds: isRoot ? 0 : nil),
                                      at: 0)
                }
            }
        case .threadExit:
            rename(e)
        case .exit:
            rename(e)
            let end = seconds(e.timeNanoseconds)
            let pageKiB = Int64(sysconf(Int32(_SC_PAGESIZE)) / 1024)
            update(e.pid) {
                $0.endSeconds = end
                $0.exitStatus = e.exitStatus
                if e.peakRSSPages > 0 { $0.peakRSSKilobytes = Int64(e.peakRSSPages) * pageKiB }
            }
            if e.pid == rootPid { rootExitNanoseconds = e.timeNanoseconds }
        }
    }

    /// A thread's final name is the one it had when it exited.
    private mutating func rename(_ e: ProcessEvent) {
        let end = seconds(e.timeNanoseconds)
        update(e.pid) {
            if let i = $0.threads.firstIndex(where: { $0.tid == e.tid }) {
                $0.threads[i].name = e.comm
                $0.threads[i].endSeconds = end
            } else {
                $0.threads.append(ThreadRecord(tid: e.tid, name: e.comm, endSeconds: end))
            }
        }
    }

    private mutating func update(_ pid: Int32, _ body: (inout ProcessRecord) -> Void) {
        guard var record = processes[pid] else { return }
        body(&record)
        processes[pid] = record
    }

    var records: [ProcessRecord] { order.compactMap { processes[$0] } }
}
