import CFlamegateBPF
import Foundation
import Testing
import TestSupport
@testable import Probes

/// The CPython layouts the kernel side walks, against each interpreter's own
/// debug information (pyenv builds carry DWARF; gdb reads it).
@Suite struct PythonLayoutTests {
    static func library(of python: String) -> String {
        let root = URL(fileURLWithPath: python).deletingLastPathComponent().deletingLastPathComponent()
        let minor = URL(fileURLWithPath: python).lastPathComponent.replacingOccurrences(of: "python", with: "")
        // 3.7 and older name it libpython3.7m
        return ["", "m"].map { root.appendingPathComponent("lib/libpython\(minor)\($0).so.1.0").path }
            .first { FileManager.default.fileExists(atPath: $0) } ?? python
    }

    @Test func olderInterpretersAreRecognisedAndSaidUnsupported() throws {
        let python = try #require(Interpreters.pyenv("3.7"), "needs pyenv's CPython 3.7")
        let (found, why) = PythonInterpreter.detect(path: Self.library(of: python))
        #expect(found == nil && why == "CPython 3.7", "\(String(describing: why))")
        #expect(PythonInterpreter.versionInName("/usr/lib/x86_64-linux-gnu/libpython3.9.so.1.0")! == (3, 9))
        #expect(PythonInterpreter.versionInName("/usr/bin/python3.10")! == (3, 10))
        #expect(PythonInterpreter.versionInName("/usr/bin/python3") == nil)
        #expect(PythonInterpreter.detect(path: "/bin/sh").interpreter == nil && PythonInterpreter.detect(path: "/bin/sh").unsupported == nil)
    }

    /// The layout table against what gdb reads from each pyenv build's DWARF.
    @Test(.enabled(if: Privileges.hasCommand("gdb"), "needs gdb"),
          arguments: PythonInterpreter.supported.compactMap { Interpreters.pyenv($0) })
    func offsetsMatchTheInterpretersDebugInformation(python: String) throws {
        let file = Self.library(of: python)
        let (found, why) = PythonInterpreter.detect(path: file)
        let interpreter = try #require(found, "\(file): \(why ?? "not CPython")")
        let o = try #require(interpreter.offsets)
        if interpreter.minor <= 10 {
            // one PyFrameObject chain: tstate->frame, f_back, f_code; co_name (no co_qualname yet)
            try Self.check(file, interpreter.version, [
                ("&((_PyRuntimeState*)0)->interpreters.head", o.runtime_interpreters_head),
                ("&((PyInterpreterState*)0)->tstate_head", o.interp_threads_head),
                ("&((PyThreadState*)0)->next", o.tstate_next), ("&((PyThreadState*)0)->interp", o.tstate_interp),
                ("&((PyThreadState*)0)->thread_id", o.tstate_native_thread_id),
                ("&((PyThreadState*)0)->frame", o.tstate_current_frame),
                ("&((PyFrameObject*)0)->f_code", o.frame_code), ("&((PyFrameObject*)0)->f_back", o.frame_previous),
                ("&((PyCodeObject*)0)->co_name", o.code_qualname), ("&((PyCodeObject*)0)->co_filename", o.code_filename),
                ("&((PyCodeObject*)0)->co_firstlineno", o.code_firstlineno),
                ("(int)&((PyASCIIObject*)0)->state", o.unicode_state), ("sizeof(PyASCIIObject)", o.unicode_ascii_data),
                ("&((PyCompactUnicodeObject*)0)->utf8", o.unicode_utf8),
            ])
            #expect(o.tstate_cframe == 0 && o.flags == UInt16(FG_PY_EVERY_FRAME_ENTERS | FG_PY_THREAD_ID_IS_PTHREAD))
            return
        }
        let current = interpreter.minor >= 13 ? "current_frame" : "cframe"
        var fields: [(String, UInt16)] = [
            ("&((_PyRuntimeState*)0)->interpreters.head", o.runtime_interpreters_head),
            ("&((PyInterpreterState*)0)->threads.head", o.interp_threads_head),
            ("&((PyThreadState*)0)->next", o.tstate_next), ("&((PyThreadState*)0)->interp", o.tstate_interp),
            ("&((PyThreadState*)0)->native_thread_id", o.tstate_native_thread_id),
            ("&((PyThreadState*)0)->\(current)", interpreter.minor >= 13 ? o.tstate_current_frame : o.tstate_cframe),
            ("&((struct _PyInterpreterFrame*)0)->\(interpreter.minor >= 13 ? "f_executable" : "f_code")", o.frame_code),
            ("&((struct _PyInterpreterFrame*)0)->previous", o.frame_previous),
            ("(int)&((struct _PyInterpreterFrame*)0)->owner", o.frame_owner),
            ("&((PyCodeObject*)0)->co_qualname", o.code_qualname), ("&((PyCodeObject*)0)->co_filename", o.code_filename),
            ("&((PyCodeObject*)0)->co_firstlineno", o.code_firstlineno),
            ("(int)&((PyASCIIObject*)0)->state", o.unicode_state), ("sizeof(PyASCIIObject)", o.unicode_ascii_data),
            ("&((PyCompactUnicodeObject*)0)->utf8", o.unicode_utf8),
        ]
        if interpreter.minor < 13 { fields.append(("&((_PyCFrame*)0)->current_frame", o.cframe_current_frame)) }
        if interpreter.minor == 11 { fields.append(("(int)&((struct _PyInterpreterFrame*)0)->is_entry", o.frame_is_entry)) }
        #expect(o.flags == 0)
        try Self.check(file, interpreter.version, fields)
    }

    /// Each field's offset in the table against what gdb prints from the file's DWARF.
    static func check(_ file: String, _ version: String, _ fields: [(String, UInt16)]) throws {
        let gdb = try Command.run(["/bin/sh", "-c", "command -v gdb"]).stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        let r = try Command.run([gdb, "-batch", "-nx"] + fields.flatMap { ["-ex", "print/d \($0.0)"] } + [file])
        let values = r.stdout.split(separator: "\n").compactMap { line -> Int? in
            guard let eq = line.range(of: "= ") else { return nil }
            let text = line[eq.upperBound...]
            return Int(text.split(separator: " ").last.map(String.init) ?? "")
        }
        #expect(values.count == fields.count, "gdb: \(r.stdout)\n\(r.stderr)")
        for (field, value) in zip(fields, values) {
            #expect(Int(field.1) == value, "\(version) \(field.0): table \(field.1), debug info \(value)")
        }
    }
}
