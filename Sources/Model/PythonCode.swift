/// A Python code object the kernel side named (`bpf/python.h`): what a
/// Python frame shows.
public struct PythonCode: Sendable, Equatable {
    public var name: String
    public var file: String
    /// The line where the function is defined (`co_firstlineno`).
    public var line: Int

    public init(name: String, file: String, line: Int) {
        self.name = name
        self.file = file
        self.line = line
    }
}

/// Key of a named code object: the process, its exec generation, and the
/// object's address with its tag (`FG_PY_CODE_MASK`).
public struct PythonCodeID: Hashable, Sendable {
    public var pid: Int32
    public var generation: UInt32
    public var address: UInt64

    public init(pid: Int32, generation: UInt32, address: UInt64) {
        self.pid = pid
        self.generation = generation
        self.address = address
    }
}
