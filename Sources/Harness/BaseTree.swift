import Foundation

/// Where the base side of `flamegate run --base REF` / `--base-dir DIR` comes
/// from: a tree holding the base's copy of the scenario files, and how to find
/// a scenario's counterpart in it.
public final class BaseTree {
    /// What the reports call the base ("abc1234 (origin/main)", a directory).
    public let description: String
    /// The commit checked out, for `--base REF`.
    public let commit: String?
    /// The base's root: a temporary worktree, or the directory given.
    public let root: URL
    /// The change's root: the git top level holding the scenarios, else the
    /// current directory.
    public let changeRoot: URL
    private let worktree: Bool

    /// `--base-dir DIR`: the base already checked out (and maybe built) there.
    public init(directory: String, changeRoot: URL) throws {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw BaseTreeError("--base-dir \(directory): not a directory")
        }
        root = URL(fileURLWithPath: directory).resolvingSymlinksInPath()
        self.changeRoot = changeRoot
        description = "directory \(root.path)"
        commit = nil
        worktree = false
    }

    /// `--base REF`: `git worktree add --detach` of REF's commit into a
    /// temporary directory of the repository holding `repository` (a file or
    /// a directory in it); `remove()`
    /// takes it away again (also after Ctrl-C: the run loop stops, then the
    /// caller removes it).
    public init(ref: String, repository: URL) throws {
        let top = try Self.git(["rev-parse", "--show-toplevel"], in: Self.directory(of: repository),
                               what: "--base \(ref): \(repository.path) is not inside a git repository")
        changeRoot = URL(fileURLWithPath: top).resolvingSymlinksInPath()
        let sha = try Self.git(["rev-parse", "--verify", "--quiet", "\(ref)^{commit}"], in: changeRoot,
                               what: "--base \(ref): no such commit in \(changeRoot.path) (a CI checkout may need "
                                   + "the base fetched: actions/checkout with fetch-depth: 0, or git fetch origin \(ref))")
        commit = sha
        let dir = FileManager.default.temporaryDirectory
            .appendingPathComponent("flamegate-base-\(getpid())-\(UUID().uuidString.prefix(8))")
        _ = try Self.git(["worktree", "add", "--detach", "--quiet", dir.path, sha], in: changeRoot,
                         what: "--base \(ref): git worktree add failed")
        root = dir.resolvingSymlinksInPath()
        description = "\(sha.prefix(12))" + (ref.hasPrefix(sha.prefix(7)) ? "" : " (\(ref))")
        worktree = true
        Self.removeAtExit(self)
    }

    /// Worktrees still to remove when the process exits early (an error path
    /// that calls exit(2), which runs no deinit).
    nonisolated(unsafe) private static var pending: [ObjectIdentifier: BaseTree] = [:]
    private static let lock = NSLock()

    private static func removeAtExit(_ tree: BaseTree) {
        lock.lock()
        defer { lock.unlock() }
        if pending.isEmpty { atexit { BaseTree.removePending() } }
        pending[ObjectIdentifier(tree)] = tree
    }

    private static func removePending() {
        lock.lock()
        let trees = Array(pending.values)
        pending = [:]
        lock.unlock()
        for tree in trees { tree.remove() }
    }

    /// The base's copy of a scenario file of the change; nil when the change's
    /// file lies outside `changeRoot` or the base has no such file (a new scenario).
    public func counterpart(of file: URL) -> URL? {
        let path = file.standardizedFileURL.resolvingSymlinksInPath().path
        let prefix = changeRoot.path.hasSuffix("/") ? changeRoot.path : changeRoot.path + "/"
        guard path.hasPrefix(prefix) else { return nil }
        let base = root.appendingPathComponent(String(path.dropFirst(prefix.count)))
        return FileManager.default.fileExists(atPath: base.path) ? base : nil
    }

    /// Removes the temporary worktree (nothing for `--base-dir`); idempotent.
    public func remove() {
        Self.lock.lock()
        Self.pending[ObjectIdentifier(self)] = nil
        Self.lock.unlock()
        guard worktree, FileManager.default.fileExists(atPath: root.path) else { return }
        guard (try? Self.git(["worktree", "remove", "--force", root.path], in: changeRoot, what: "")) == nil else { return }
        // git could not (a file it will not delete): remove the tree, then forget it
        try? FileManager.default.removeItem(at: root)
        _ = try? Self.git(["worktree", "prune"], in: changeRoot, what: "")
    }

    /// `path` when it is a directory, else the directory holding it.
    static func directory(of path: URL) -> URL {
        var isDirectory: ObjCBool = false
        let exists = FileManager.default.fileExists(atPath: path.path, isDirectory: &isDirectory)
        return exists && isDirectory.boolValue ? path : path.deletingLastPathComponent()
    }

    /// The git top level holding `path` (a scenario file or directory), else nil.
    public static func repositoryRoot(of path: URL) -> URL? {
        (try? git(["rev-parse", "--show-toplevel"], in: directory(of: path), what: "")).map {
            URL(fileURLWithPath: $0).resolvingSymlinksInPath()
        }
    }

    /// The commit HEAD of the repository holding `path`, when `path`'s
    /// directory has no uncommitted changes (what was measured is then that
    /// commit); nil otherwise or outside git.
    public static func cleanCommit(of path: URL) -> String? {
        let dir = path.deletingLastPathComponent()
        guard let head = try? git(["rev-parse", "--verify", "--quiet", "HEAD"], in: dir, what: ""),
              let status = try? git(["status", "--porcelain", "--", "."], in: dir, what: ""), status.isEmpty
        else { return nil }
        return head
    }

    /// Whether `commit` exists in the repository holding `path`.
    public static func hasCommit(_ commit: String, near path: URL) -> Bool {
        (try? git(["cat-file", "-e", "\(commit)^{commit}"], in: path.deletingLastPathComponent(), what: "")) != nil
    }

    /// Runs git, returning its trimmed standard output; throws `what` with git's message.
    static func git(_ arguments: [String], in dir: URL, what: String) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["git", "-C", dir.path] + arguments
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = FileHandle.nullDevice
        do {
            try process.run()
        } catch {
            throw BaseTreeError("\(what): cannot run git: \(error.localizedDescription)")
        }
        let output = out.fileHandleForReading.readDataToEndOfFile()
        let message = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationReason == .exit, process.terminationStatus == 0 else {
            let detail = String(decoding: message, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
            throw BaseTreeError(what + (detail.isEmpty ? "" : " (git: \(detail.split(separator: "\n").last ?? ""))"))
        }
        return String(decoding: output, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    }
}

public struct BaseTreeError: Error, CustomStringConvertible, Equatable {
    public var description: String
    public init(_ description: String) { self.description = description }
}
