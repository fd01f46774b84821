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
        let lib = root.appendingPathComponent("lib/libpython\(minor).so.1.0").path
        return FileManager.default.fileExists(atPath: lib) ? lib : python
    }

    @Test func olderInterpretersAreRecognisedAndSaidUnsupported() throws {
        let python = try #require(Interpreters.pyenv("3.10"), "needs pyenv's CPython 3.10")
        let (found, why) = PythonInterpreter.detect(path: Self.library(of: python))
        #expect(found == nil && why?.contains("older than 3.11") == true, "\(String(describing: why))")
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
        let gdb = try Command.run(["/bin/sh", "-c", "command -v gdb"]).stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        let r = try Command.run([gdb, "-batch", "-nx"] + fields.flatMap { ["-ex", "print/d \($0.0)"] } + [file])
        let values = r.stdout.split(separator: "\n").compactMap { line -> Int? in
            guard let eq = line.range(of: "= ") else { return nil }
            let text = line[eq.upperBound...]
            return Int(text.split(separator: " ").last.map(String.init) ?? "")
        }
        #expect(values.count == fields.count, "gdb: \(r.stdout)\n\(r.stderr)")
        for (field, value) in zip(fields, values) {
            #expect(Int(field.1) == value, "\(interpreter.version) \(field.0): table \(field.1), debug info \(value)")
        }
    }

}
