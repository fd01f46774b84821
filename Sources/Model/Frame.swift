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
