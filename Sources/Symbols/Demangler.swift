import CFlamegateBPF
import Foundation

/// Turns Swift and C++ symbol names into source names, with the runtime's own
/// demanglers (`swift_demangle`, `__cxa_demangle`).
public enum Demangler {
    /// The name people know: demangled, with compiler clone suffixes
    /// (`.constprop.0`, `.isra.0`, `.part.0`, `.cold`, ` [clone .cold]`) folded into
    /// the function they were cloned from, so a profile and its baseline agree
    /// even when the optimizer clones differently between builds.
    public static func displayName(_ name: String) -> String {
        stripCloneSuffixes(demangle(name))
    }

    static let cloneKinds: Set<String> = ["constprop", "isra", "part", "cold", "lto_priv", "localalias", "llvm"]

    static func stripCloneSuffixes(_ name: String) -> String {
        var n = Substring(name)
        while let clone = n.range(of: " [clone ", options: .backwards), n.hasSuffix("]") {
            n = n[..<clone.lowerBound]
        }
        // trailing ".kind" or ".kind.N" groups, only for known kinds
        while true {
            var parts = n.split(separator: ".", omittingEmptySubsequences: false)
            guard parts.count >= 2 else { break }
            if parts.last!.allSatisfy(\.isNumber), parts.count >= 3, cloneKinds.contains(String(parts[parts.count - 2])) {
                parts.removeLast(2)
            } else if cloneKinds.contains(String(parts.last!)) {
                parts.removeLast()
            } else {
                break
            }
            n = Substring(parts.joined(separator: "."))
        }
        return n.isEmpty ? name : String(n)
    }

    public static func demangle(_ name: String) -> String {
        if isSwift(name) {
            return call(fg_demangle_swift, name) ?? name
        }
        if name.hasPrefix("_Z") {
            // clone suffixes like ".cold" or ".isra.0" confuse __cxa_demangle
            if let demangled = call(fg_demangle_cxx, name) { return demangled }
            if let dot = name.firstIndex(of: "."), let base = call(fg_demangle_cxx, String(name[..<dot])) {
                return base + String(name[dot...])
            }
        }
        return name
    }

    static func isSwift(_ name: String) -> Bool {
        for prefix in ["$s", "_$s", "$S", "_$S", "$e", "_$e", "_T0"] where name.hasPrefix(prefix) {
            return true
        }
        return false
    }

    private static func call(_ fn: (UnsafePointer<CChar>?) -> UnsafeMutablePointer<CChar>?, _ name: String) -> String? {
        guard let out = name.withCString({ fn($0) }) else { return nil }
        defer { free(out) }
        return String(cString: out)
    }
}
