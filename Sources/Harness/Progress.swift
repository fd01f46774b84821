import Foundation

/// Where the run loop reports what it is doing: one updating line with an ETA
/// on a terminal, plain lines otherwise (CI logs).
public final class Progress: @unchecked Sendable {
    private let tty: Bool
    private let stream: FileHandle
    private let start = Date()
    private var totalRuns = 0
    private var doneRuns = 0
    private var lineOpen = false
    private let lock = NSLock()

    public init(stream: FileHandle = .standardError, tty: Bool? = nil) {
        self.stream = stream
        self.tty = tty ?? (isatty(stream.fileDescriptor) != 0)
    }

    /// Total runs (warmups included) across all scenarios, for the ETA.
    public func plan(runs: Int) {
        lock.lock()
        totalRuns = runs
        lock.unlock()
    }

    /// More runs than planned (a scenario that needs more pairs to decide).
    public func extend(runs: Int) {
        lock.lock()
        totalRuns += runs
        lock.unlock()
    }

    public func runStarted(scenario: String, index: Int, of count: Int, size: Int?, repetition: Int,
                           repetitions: Int, warmup: Bool, side: String? = nil) {
        lock.lock()
        defer { lock.unlock() }
        let what = "[\(index)/\(count)] \(scenario)" + (size.map { " size \($0)" } ?? "")
            + (warmup ? " warmup \(repetition)" : " run \(repetition)/\(repetitions)") + (side.map { " (\($0))" } ?? "")
        if tty {
            write("\r\u{1B}[2K" + what + eta())
            lineOpen = true
        } else {
            write(what + "\n")
        }
    }

    public func runFinished() {
        lock.lock()
        doneRuns += 1
        lock.unlock()
    }

    /// A message on its own line (build output, warnings, scenario verdicts).
    public func note(_ text: String) {
        lock.lock()
        defer { lock.unlock() }
        if lineOpen {
            write("\r\u{1B}[2K")
            lineOpen = false
        }
        write(text + "\n")
    }

    /// Clears a pending progress line.
    public func finish() {
        lock.lock()
        defer { lock.unlock() }
        if lineOpen {
            write("\r\u{1B}[2K")
            lineOpen = false
        }
    }

    private func eta() -> String {
        guard doneRuns > 0, totalRuns > doneRuns else { return "" }
        let per = Date().timeIntervalSince(start) / Double(doneRuns)
        let left = Int(per * Double(totalRuns - doneRuns))
        return String(format: "  ETA %d:%02d", left / 60, left % 60)
    }

    private func write(_ text: String) {
        Console.write(text, to: stream.fileDescriptor)
    }
}

/// Writes to the terminal or CI log that cannot crash flamegate: when the
/// reader went away (`flamegate run | head`, a killed CI step) FileHandle's
/// write traps on EPIPE (exit 132, no cleanup: the target, the `--base`
/// worktree and the scratch directory stayed); write(2) just fails, and the
/// run goes on to stop its targets and remove what it made.
public enum Console {
    public static func write(_ text: String, to fd: Int32) {
        var bytes = Array(text.utf8)[...]
        while !bytes.isEmpty {
            let n = bytes.withUnsafeBytes { Glibc.write(fd, $0.baseAddress, $0.count) }
            if n < 0, errno == EINTR { continue }
            guard n > 0 else { return }
            bytes = bytes.dropFirst(n)
        }
    }
}
