/// One frame of a call stack after symbolization.
public struct Frame: Hashable, Codable, Sendable {
    public enum Kind: String, Codable, Sendable {
        case user, kernel
        /// Not code: a label flamegate adds (`[off-cpu: sleeping]`, `[woken by …]`).
        case marker
    }

    /// Function name (demangled), or `module+0xOFFSET` when it could not be resolved.
    public var name: String
    /// File name of the module (`libc.so.6`, `[kernel]`, `[anon]`).
    public var module: String
    public var kind: Kind
    /// False when no symbol covered the address: `name` then holds `module+0xOFFSET`.
    public var resolved: Bool

    /// A label frame.
    public static func marker(_ name: String) -> Frame {
        Frame(name: name, module: "[flamegate]", kind: .marker, resolved: true)
    }

    public init(name: String, module: String, kind: Kind, resolved: Bool) {
        self.name = name
        self.module = module
        self.kind = kind
        self.resolved = resolved
    }
}

extension Frame {
    /// Modules of frames named by a runtime's perf map (`PerfMap`): a Python
    /// function, a JavaScript function, other generated code.
    public static let pythonModule = "python"
    public static let javaScriptModule = "js"
    public static let jitModule = "[jit]"

    /// A function of an interpreted or JIT-compiled script: the code a
    /// script's author wrote, named before the interpreter's own functions.
    /// The interpreter's frozen modules (`<frozen importlib._bootstrap>`)
    /// are its own machinery, not the script's.
    public var isScriptCode: Bool { Self.isScript(name: name, module: module) }

    public static func isScriptModule(_ module: String) -> Bool {
        module == pythonModule || module == javaScriptModule
    }

    /// `isScriptCode` of a function known by name and module (`FunctionSamples`).
    public static func isScript(name: String, module: String) -> Bool {
        isScriptModule(module) && !name.contains(" (<frozen ")
    }

    /// A folded frame name of a script's function, as `PythonFrames` and
    /// `PerfMap` write them (for profiles that keep names only): `dedupe
    /// (app.py:12)`, `dedupe (app.py)`, `fib (hot.js:3)`, `main
    /// (lsb_release:40)` (a script without an extension: a file and line),
    /// `<module> (<string>:1)` (`python -c`). The same frames as
    /// `isScriptCode`: not the interpreter's frozen modules, nor a native
    /// name that happens to end in parentheses.
    public static func looksLikeScriptFrame(_ name: String) -> Bool {
        guard name.hasSuffix(")"), let open = name.range(of: " (", options: .backwards) else { return false }
        var place = name[open.upperBound..<name.index(before: name.endIndex)]
        var numbered = false
        if let colon = place.lastIndex(of: ":"), place.index(after: colon) < place.endIndex,
           place[place.index(after: colon)...].allSatisfy(\.isNumber) {
            place = place[..<colon]
            numbered = true
        }
        guard !place.isEmpty, !place.contains("/"), !place.hasPrefix("<frozen ") else { return false }
        if [".py", ".js", ".mjs", ".cjs"].contains(where: { place.hasSuffix($0) }) { return true }
        // without a script's extension only a file and line: `(std::function)` is not one
        return numbered && !place.contains(" ") && !place.contains("(") && !place.contains(":")
            || numbered && place.hasPrefix("<") && place.hasSuffix(">")
    }

    /// Entry frames every stack of a program or thread passes through. Their
    /// inclusive cost is the program's (or the thread's) CPU time, which the
    /// metrics judge; as functions they say nothing and are never a culprit.
    public static let entryRoots: Set<String> = [
        "_start", "__libc_start_main", "__libc_start_main_impl", "__libc_start_call_main", "start_thread", "clone",
        "clone3", "__clone", "__clone3", "__clone_internal",
    ]

    /// `name` (without a symbol version, `@@GLIBC_2.34`) is an entry frame.
    public static func isEntryRoot(_ name: String) -> Bool {
        entryRoots.contains(String(name.split(separator: "@", maxSplits: 1).first ?? Substring(name)))
    }
}
