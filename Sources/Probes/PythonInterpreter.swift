#if canImport(Glibc)
import Glibc
#endif
import CFlamegateBPF
import Foundation
import Model

/// A CPython the kernel side can walk (`bpf/python.bpf.h`): found in an
/// executable or libpython by its `_PyRuntime` and `Py_Version` symbols, with
/// the layout of its version's structures. x86-64, CPython 3.8 to 3.13 (one
/// `PyFrameObject` chain per thread until 3.10, one `_PyInterpreterFrame`
/// chain since 3.11); offsets checked against each version's debug
/// information (`PythonLayoutTests`).
public struct PythonInterpreter: Sendable, Equatable {
    public var major: Int
    public var minor: Int
    /// Link-time address of `_PyRuntime` in its file.
    public var runtimeAddress: UInt64
    /// `p_offset - p_vaddr` of the file's executable segment: a mapping of
    /// it at `start` with file offset `base` puts `_PyRuntime` at
    /// `start - base + runtimeAddress + segmentDelta`.
    public var segmentDelta: Int64 = 0

    public var version: String { "\(major).\(minor)" }

    /// The versions walked, newest last.
    public static let supported = ["3.8", "3.9", "3.10", "3.11", "3.12", "3.13"]

    /// The interpreter in the ELF file at `path`, or nil (not CPython, or a
    /// version without a layout here — `unsupported` then says which).
    public static func detect(path: String) -> (interpreter: PythonInterpreter?, unsupported: String?) {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return (nil, nil) }
        defer { close(fd) }
        var runtime: UInt64 = 0, versionAddress: UInt64 = 0
        var scratch = [UInt8](repeating: 0, count: 8), version = [UInt8](repeating: 0, count: 8)
        guard fg_elf_data_symbol(fd, "_PyRuntime", &runtime, &scratch, 0) == 0 else { return (nil, nil) }
        // a free-threaded build (python3.13t) lays its structures out otherwise
        if (path.split(separator: "/").last.map(String.init) ?? path)
            .range(of: #"python\d+\.\d+t"#, options: .regularExpression) != nil {
            return (nil, "a free-threaded CPython")
        }
        var found: PythonInterpreter
        if fg_elf_data_symbol(fd, "Py_Version", &versionAddress, &version, 4) == 0 {
            let hex = UInt32(version[0]) | UInt32(version[1]) << 8 | UInt32(version[2]) << 16 | UInt32(version[3]) << 24
            found = PythonInterpreter(major: Int(hex >> 24), minor: Int((hex >> 16) & 0xff), runtimeAddress: runtime)
        } else if let (major, minor) = versionInName(path) {
            // before 3.11 no symbol holds the version: the file is named for it
            found = PythonInterpreter(major: major, minor: minor, runtimeAddress: runtime)
        } else {
            return (nil, "a CPython older than 3.11 whose file name does not say its version")
        }
        guard found.offsets != nil else { return (nil, "CPython \(found.version)") }
        var info: UnsafeMutablePointer<fg_elf_info>?
        guard fg_elf_read(fd, 0, &info) == 0, let info else { return (nil, nil) }
        defer { fg_elf_free(info) }
        let pfExecute: UInt32 = 1
        guard let text = (0..<info.pointee.nsegments).map({ info.pointee.segments[$0] })
            .first(where: { $0.flags & pfExecute != 0 }) else { return (nil, nil) }
        found.segmentDelta = Int64(bitPattern: text.offset &- text.vaddr)
        return (found, nil)
    }

    /// Where the walk's fields are in this version (x86-64, default build).
    public var offsets: fg_py_offsets? {
        #if arch(x86_64)
        switch (major, minor) {
        case (3, 8), (3, 9), (3, 10):
            // one PyFrameObject per call, each run by its own C call; threads known by pthread_self()
            return fg_py_offsets(
                runtime_interpreters_head: 32, interp_threads_head: 8, tstate_next: 8, tstate_interp: 16,
                tstate_native_thread_id: 176, tstate_cframe: 0, cframe_current_frame: 0, tstate_current_frame: 24,
                frame_code: 32, frame_previous: 24, frame_owner: 0, frame_is_entry: 0, code_qualname: 112,
                code_filename: 104, code_firstlineno: 40, unicode_state: 32, unicode_ascii_data: 48,
                unicode_utf8: 56, flags: UInt16(FG_PY_EVERY_FRAME_ENTERS | FG_PY_THREAD_ID_IS_PTHREAD), pad: 0)
        case (3, 11):
            return fg_py_offsets(
                runtime_interpreters_head: 0x28, interp_threads_head: 0x10, tstate_next: 8, tstate_interp: 16,
                tstate_native_thread_id: 160, tstate_cframe: 56, cframe_current_frame: 8, tstate_current_frame: 0,
                frame_code: 32, frame_previous: 48, frame_owner: 69, frame_is_entry: 68, code_qualname: 0x80,
                code_filename: 0x70, code_firstlineno: 0x48, unicode_state: 0x20, unicode_ascii_data: 48,
                unicode_utf8: 0x38, flags: 0, pad: 0)
        case (3, 12):
            return fg_py_offsets(
                runtime_interpreters_head: 0x28, interp_threads_head: 0x48, tstate_next: 8, tstate_interp: 16,
                tstate_native_thread_id: 144, tstate_cframe: 56, cframe_current_frame: 0, tstate_current_frame: 0,
                frame_code: 0, frame_previous: 8, frame_owner: 70, frame_is_entry: 0, code_qualname: 0x80,
                code_filename: 0x70, code_firstlineno: 0x44, unicode_state: 0x20, unicode_ascii_data: 40,
                unicode_utf8: 0x30, flags: 0, pad: 0)
        case (3, 13):
            return fg_py_offsets(
                runtime_interpreters_head: 0x278, interp_threads_head: 0x1cb0, tstate_next: 8, tstate_interp: 16,
                tstate_native_thread_id: 160, tstate_cframe: 0, cframe_current_frame: 0, tstate_current_frame: 72,
                frame_code: 0, frame_previous: 8, frame_owner: 70, frame_is_entry: 0, code_qualname: 0x80,
                code_filename: 0x70, code_firstlineno: 0x44, unicode_state: 0x20, unicode_ascii_data: 40,
                unicode_utf8: 0x30, flags: 0, pad: 0)
        default:
            return nil
        }
        #else
        return nil
        #endif
    }

    /// `python3.10`, `libpython3.9.so.1.0` → (3, 10), (3, 9).
    static func versionInName(_ path: String) -> (Int, Int)? {
        let name = path.split(separator: "/").last.map(String.init) ?? path
        guard let range = name.range(of: #"python(\d+)\.(\d+)"#, options: .regularExpression) else { return nil }
        let digits = name[range].dropFirst("python".count).split(separator: ".")
        guard digits.count == 2, let major = Int(digits[0]), let minor = Int(digits[1]) else { return nil }
        return (major, minor)
    }

    /// Files worth looking into: CPython executables and libpython (an
    /// embedding program maps libpython too).
    public static func mightBe(_ path: String) -> Bool {
        let name = path.split(separator: "/").last.map(String.init) ?? path
        return name.hasPrefix("python") || name.hasPrefix("libpython")
    }
}

extension Tracker {
    /// The interpreter of process `pid` (exec generation `generation`) is at
    /// `runtime` in its address space: the kernel side walks its frames from
    /// now on.
    public func locatePython(pid: Int32, generation: UInt32, runtime: UInt64, interpreter: PythonInterpreter) {
        guard let offsets = interpreter.offsets else { return }
        var proc = fg_py_proc(runtime: runtime, gen: generation,
                              version: UInt32(interpreter.major << 8 | interpreter.minor), off: offsets)
        _ = fg_tracker__python_set(handle, UInt32(pid), &proc)
    }

    /// The interpreter in the file at `path`: the kernel side locates it in
    /// each process the first time it meets a mapping of the file, before
    /// user space hears of the mapping (a short script's first samples).
    public func registerPythonFile(path: String, interpreter: PythonInterpreter) {
        guard let offsets = interpreter.offsets else { return }
        var file = fg_py_file(delta: Int64(bitPattern: interpreter.runtimeAddress) &+ interpreter.segmentDelta,
                              version: UInt32(interpreter.major << 8 | interpreter.minor), pad: 0, off: offsets)
        _ = fg_tracker__python_file(handle, path, &file)
    }

    /// Every code object named so far.
    public func pythonCodes() -> [PythonCodeID: PythonCode] {
        var list: UnsafeMutablePointer<fg_py_code_entry>?
        var count = 0
        guard fg_tracker__python_codes(handle, &list, &count) == 0, let list else { return [:] }
        defer { free(list) }
        var out: [PythonCodeID: PythonCode] = [:]
        for i in 0..<count {
            var e = list[i]
            let name = withUnsafeBytes(of: &e.code.name) { String(cString: $0.bindMemory(to: CChar.self).baseAddress!) }
            let file = withUnsafeBytes(of: &e.code.file) { String(cString: $0.bindMemory(to: CChar.self).baseAddress!) }
            out[PythonCodeID(pid: Int32(e.key.tgid), generation: e.key.gen, address: e.key.code)] =
                PythonCode(name: name, file: file, line: Int(e.code.line))
        }
        return out
    }

    /// The share of the user stacks of located interpreters that carry
    /// Python frames; nil when no interpreter was located.
    public func pythonWalkedShare() -> Double? {
        let stats = pythonStats()
        let stacks = stats[Int(FG_PY_STACKS.rawValue)]
        return stacks > 0 ? Double(stats[Int(FG_PY_WALKED.rawValue)]) / Double(stacks) : nil
    }

    /// The walk's counters (slots of `fg_py_stat`).
    public func pythonStats() -> [UInt64] {
        var out = [UInt64](repeating: 0, count: Int(FG_PY_STAT_MAX.rawValue))
        _ = fg_tracker__python_stats(handle, &out)
        return out
    }
}
