import Dispatch
import Foundation

/// Ctrl-C (SIGINT) and SIGTERM turned into a flag the run loop checks, so an
/// interrupted recording still stops its target and writes its results.
public final class Interruption: @unchecked Sendable {
    public static let shared = Interruption()

    private let lock = NSLock()
    private var flag = false
    private var sources: [DispatchSourceSignal] = []

    /// Installs the handlers (idempotent). A second Ctrl-C kills the targets'
    /// trees and exits at once (the exit handlers remove a base worktree).
    public func install() {
        lock.lock()
        defer { lock.unlock() }
        guard sources.isEmpty else { return }
        for sig in [SIGINT, SIGTERM] {
            signal(sig, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: sig, queue: .global())
            source.setEventHandler { [weak self] in
                guard let self else { return }
                if self.isSet {
                    Containment.shared.killAll()
                    exit(130)
                }
                self.set()
            }
            source.resume()
            sources.append(source)
        }
    }

    public var isSet: Bool {
        lock.lock()
        defer { lock.unlock() }
        return flag
    }

    public func set() {
        lock.lock()
        flag = true
        lock.unlock()
    }
}

/// CLOCK_MONOTONIC in nanoseconds: the clock BPF's bpf_ktime_get_ns and the
/// perf records use.
public func monotonicNanoseconds() -> UInt64 {
    var ts = timespec()
    clock_gettime(CLOCK_MONOTONIC, &ts)
    return UInt64(ts.tv_sec) * 1_000_000_000 + UInt64(ts.tv_nsec)
}
