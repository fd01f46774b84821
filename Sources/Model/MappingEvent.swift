/// A change to a tracked process's address space, in the order it happened:
/// what symbolization needs long after the process is gone.
public enum MappingEvent: Sendable, Equatable {
    /// An executable file (or anonymous region) mapped at [start, start+length).
    case map(pid: Int32, start: UInt64, length: UInt64, fileOffset: UInt64, path: String, moduleKey: String?)
    /// The process exec'd: a new, empty address space (the next generation).
    case exec(pid: Int32)
    /// A new process copied its parent's address space.
    case fork(pid: Int32, parent: Int32)
    /// The kernel dropped this many records (ring buffer full).
    case lost(count: UInt64)
}

extension MappingEvent {
    /// Identity of a mapped file for symbol caching: its build-id, else its path and inode.
    public static func moduleKey(buildID: String?, path: String, device: UInt64, inode: UInt64) -> String {
        if let id = buildID, !id.isEmpty { return "build-id:\(id)" }
        return "file:\(path):\(device):\(inode)"
    }
}
