import CFlamegateBPF
import Glibc
import Model

/// One of bpf/'s programs that libbpf attaches by its sections, driven from
/// Swift (`fg_object.h`): a probe made only of such programs is its
/// `bpf/<name>.bpf.c` and `.h`, its Swift type and its `ProbeCatalog` entry,
/// with no C of its own.
///
/// Set it up (globals, map sizes, programs left out), then `load` and
/// `attach`; read its maps by name. Every failure names the probe and step.
final class BPFObject {
    let name: String
    /// For attach kinds a probe calls itself (`fg_object__attach_cpu_clock`).
    let handle: OpaquePointer

    /// Opens `bpf/<name>.bpf.c`'s object as built into this binary.
    init(_ name: String) throws {
        var out: OpaquePointer?
        try ProbeError.check(fg_object__open(name, &out), "opening \(name).bpf.c's BPF object")
        self.name = name
        handle = out!
    }

    deinit { fg_object__destroy(handle) }

    /// Before `load`: a `const volatile` global of the program.
    func set<T: FixedWidthInteger>(_ global: String, _ value: T) throws {
        var v = value
        try ProbeError.check(fg_object__set_global(handle, global, &v, MemoryLayout<T>.size),
                             "setting \(global) in \(name).bpf.c", libbpfLog: false)
    }

    func set(_ global: String, _ value: Bool) throws {
        var v: UInt8 = value ? 1 : 0
        try ProbeError.check(fg_object__set_global(handle, global, &v, 1),
                             "setting \(global) in \(name).bpf.c", libbpfLog: false)
    }

    /// Before `load`: the map's size.
    func resize(_ map: String, to entries: UInt32) throws {
        try ProbeError.check(fg_object__set_max_entries(handle, map, entries),
                             "resizing \(name).bpf.c's map \(map)", libbpfLog: false)
    }

    /// Before `load`: leaves a program out (not loaded, not attached).
    func leaveOut(_ program: String) throws {
        try ProbeError.check(fg_object__set_autoload(handle, program, false),
                             "leaving \(program) of \(name).bpf.c out", libbpfLog: false)
    }

    /// Loads against the tracker's shared maps; `what` names its attach points in errors.
    func load(tracker: Tracker, _ what: String) throws {
        try ProbeError.check(fg_object__load(handle, tracker.handle), "loading the \(name) probe (\(what))")
    }

    func attach(_ what: String) throws {
        try ProbeError.check(fg_object__attach(handle), "attaching the \(name) probe (\(what))")
    }

    /// `load`, then `attach`: for a probe with nothing to write into its maps between the two.
    func start(tracker: Tracker, _ what: String) throws {
        try load(tracker: tracker, what)
        try attach(what)
    }

    /// A map's fd; a name the program does not have is a programming error.
    func map(_ map: String) -> Int32 {
        let fd = fg_object__map_fd(handle, map)
        precondition(fd >= 0, "\(name).bpf.c has no map \(map)")
        return fd
    }

    func maxEntries(_ map: String) -> UInt32 { fg_object__max_entries(handle, map) }

    func cost() -> ProbeCost? { ProbeCost.read(name) { fg_object__cost(handle, $0) } }

    /// Empties its maps but for `keep`; the programs stay attached.
    func reset(keeping keep: [String] = []) throws {
        let names = keep.map { strdup($0) }
        defer { names.forEach { free($0) } }
        let pointers = names.map { UnsafePointer<CChar>($0) }
        let result = pointers.withUnsafeBufferPointer { fg_object__reset(handle, $0.baseAddress, $0.count) }
        try ProbeError.check(result, "emptying the \(name) probe's maps")
    }
}
