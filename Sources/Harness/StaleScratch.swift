import Foundation

/// Scratch directories a flamegate process leaves in the temporary
/// directory when it is killed (SIGKILL, a crash): `flamegate-run-PID-…`
/// (a scenario's stdout and stderr) and `flamegate-base-PID-…` (a `--base`
/// worktree). The next run removes those whose process is gone, and prunes
/// the git repository a stale worktree belonged to.
public enum StaleScratch {
    static let prefixes = ["flamegate-run-", "flamegate-base-", "flamegate-build-"]

    /// Removes the stale directories; returns how many.
    @discardableResult
    public static func clean(in directory: URL = FileManager.default.temporaryDirectory) -> Int {
        // first the processes those flamegates left running, then their files
        Containment.cleanStale(temporary: directory)
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: directory.path) else { return 0 }
        var removed = 0
        for name in names {
            guard let prefix = prefixes.first(where: { name.hasPrefix($0) }),
                  let pid = Int32(name.dropFirst(prefix.count).prefix { $0.isNumber }), pid > 0,
                  pid != getpid(), kill(pid, 0) != 0, errno == ESRCH else { continue }
            let dir = directory.appendingPathComponent(name)
            // a worktree's .git file names its repository: "gitdir: /repo/.git/worktrees/NAME"
            let repository = (try? String(contentsOf: dir.appendingPathComponent(".git"), encoding: .utf8))
                .flatMap { $0.hasPrefix("gitdir: ") ? $0.dropFirst(8).trimmingCharacters(in: .whitespacesAndNewlines) : nil }
                .map { URL(fileURLWithPath: $0).deletingLastPathComponent().deletingLastPathComponent() }
            guard (try? FileManager.default.removeItem(at: dir)) != nil else { continue }
            removed += 1
            if let repository { _ = try? BaseTree.git(["--git-dir", repository.path, "worktree", "prune"], in: directory, what: "") }
        }
        return removed
    }
}
