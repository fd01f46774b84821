import CFlamegateBPF
import Foundation

/// Turns Swift and C++ symbol names into source names, with the runtime's own
/// demanglers (`swift_demangle`, `__cxa_demangle`).
public enum Demangler {
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
