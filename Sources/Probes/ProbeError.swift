import Foundation
import Model

/// Failures of the kernel-facing layer, each naming the operation and what to do.
public enum ProbeError: EnvironmentProblem, Equatable {
    /// The machine or kernel cannot do it: "unavailable: reason".
    case unavailable(String)
    /// A libbpf or syscall step failed with errno.
    case failed(operation: String, errno: Int32, detail: String)

    public var description: String {
        switch self {
        case let .unavailable(reason):
            return reason
        case let .failed(operation, errno, detail):
            let base = "\(operation) failed: \(String(cString: strerror(errno)))"
            return detail.isEmpty ? base : "\(base)\n\(detail)"
        }
    }

    /// Wraps a shim result: 0 passes, `-errno` throws.
    public static func check(_ result: Int32, _ operation: @autoclosure () -> String,
                             libbpfLog: Bool = true) throws {
        guard result < 0 else { return }
        let errno = -result
        if errno == EPERM || errno == EACCES {
            throw ProbeError.unavailable("\(operation()): permission denied; flamegate needs root "
                + "(or CAP_BPF, CAP_PERFMON and CAP_SYS_RESOURCE)")
        }
        throw ProbeError.failed(operation: operation(), errno: errno,
                                detail: libbpfLog ? Libbpf.lastLog : "")
    }
}
