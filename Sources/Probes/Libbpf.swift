import CFlamegateBPF
import Foundation

/// libbpf's own logging, captured instead of printed over our output.
public enum Libbpf {
    /// Keeps libbpf messages in memory; with `verbose` they go to stderr too.
    public static func captureLogs(verbose: Bool) {
        fg_libbpf_capture_logs(verbose ? 1 : 0)
    }

    /// The last warnings libbpf printed, for error details.
    public static var lastLog: String {
        String(cString: fg_libbpf_last_log()).trimmingCharacters(in: .whitespacesAndNewlines)
    }
}
