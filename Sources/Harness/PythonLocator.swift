import Foundation
import Model
import Probes
import Symbols

/// Finds the CPython interpreters of a recording's processes as their files
/// are mapped, and tells the kernel side where each one's `_PyRuntime` is
/// (its link-time address moved by the mapping's load bias), so their
/// Python frames are walked; a fork inherits its parent's.
struct PythonLocator {
    let tracker: Tracker
    let modules: ModuleCache
    /// By module key: the interpreter, or why a CPython is not walked.
    var known: [String: (PythonInterpreter?, String?)]
    private var located: [Int32: (runtime: UInt64, interpreter: PythonInterpreter)] = [:]
    /// CPythons met whose frames are not walked (older or newer versions).
    private(set) var unsupported: Set<String> = []

    /// FLAMEGATE_PYTHON_FRAMES=0: no Python frames (to measure what they cost).
    let enabled = ProcessInfo.processInfo.environment["FLAMEGATE_PYTHON_FRAMES"] != "0"

    init(tracker: Tracker, modules: ModuleCache, known: [String: (PythonInterpreter?, String?)]) {
        self.tracker = tracker
        self.modules = modules
        self.known = known
    }

    /// The interpreters among the files a launch maps at start (the
    /// executable, its libraries): registered before the target runs.
    mutating func prepare(files: [String]) {
        guard enabled else { return }
        for path in files where PythonInterpreter.mightBe(path) {
            if let found = interpreter(key: "path:" + path, path: path) {
                tracker.registerPythonFile(path: path, interpreter: found)
            }
        }
    }

    /// The file's interpreter, detected once per key; a CPython that is not
    /// walked is remembered in `unsupported`.
    private mutating func interpreter(key: String, path: String) -> PythonInterpreter? {
        let (found, why) = known[key] ?? PythonInterpreter.detect(path: path)
        known[key] = (found, why)
        if let why { unsupported.insert(why) }
        return found
    }

    mutating func observe(_ event: MappingEvent, spaces: AddressSpaces) {
        guard enabled else { return }
        switch event {
        case let .map(pid, start, _, offset, path, key?):
            guard located[pid] == nil, PythonInterpreter.mightBe(path) else { return }
            guard let interpreter = interpreter(key: key, path: path), let module = modules.module(forKey: key),
                  let vaddr = module.image.virtualAddress(fileOffset: offset) else { return }
            let runtime = start &- vaddr &+ interpreter.runtimeAddress
            located[pid] = (runtime, interpreter)
            tracker.locatePython(pid: pid, generation: spaces.generation(of: pid), runtime: runtime,
                                 interpreter: interpreter)
        case let .fork(pid, parent):
            guard let inherited = located[parent] else { return }
            located[pid] = inherited
            tracker.locatePython(pid: pid, generation: 0, runtime: inherited.runtime, interpreter: inherited.interpreter)
        case let .exec(pid):
            located[pid] = nil
        default:
            return
        }
    }
}
