import Foundation
import Model

/// The base side of `run --base/--base-dir/--base-env`, resolved: the tree
/// it comes from (nil: the change's own tree) and the variables it sets.
public final class BaseSetup {
    let tree: BaseTree?
    let environment: [String: String]
    let maxRepetitions: Int?
    /// Why this base is measured, for every report it serves (nil: the user asked).
    let note: String?

    /// A stored baseline's commit, re-measured because the baseline comes
    /// from another machine.
    public init(commit: String, near file: URL, note: String) throws {
        self.note = note
        environment = [:]
        maxRepetitions = nil
        tree = try BaseTree(ref: commit, repository: file)
    }

    /// `run --base REF`, `--base-dir DIR` (neither: the change's own tree),
    /// `--base-env`, `--max-repetitions`, for the scenarios at `paths`.
    public init(ref: String?, directory: String?, environment: [String: String], maxRepetitions: Int?,
                paths: [String]) throws {
        note = nil
        self.environment = environment
        self.maxRepetitions = maxRepetitions
        let first = URL(fileURLWithPath: paths.first ?? ".")
        if let ref {
            tree = try BaseTree(ref: ref, repository: first)
        } else if let dir = directory {
            let changeRoot = BaseTree.repositoryRoot(of: first)
                ?? URL(fileURLWithPath: FileManager.default.currentDirectoryPath).resolvingSymlinksInPath()
            tree = try BaseTree(directory: dir, changeRoot: changeRoot)
        } else {
            tree = nil
        }
    }

    /// How the reports name the base.
    public var description: String {
        let env = environment.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ")
        switch (tree, env.isEmpty) {
        case let (tree?, true): return tree.description
        case let (tree?, false): return "\(tree.description) with \(env)"
        case (nil, _): return "environment \(env)"
        }
    }

    /// A base in its own tree runs its own `build:`; one that shares the
    /// change's tree uses the change's build.
    var builds: Bool { tree != nil }

    struct LoadError: Error, CustomStringConvertible {
        var file: String
        var description: String
    }

    /// The base's copy of a scenario: nil when it has none (new in the change).
    func counterpart(of loaded: LoadedScenario, repetitions: Int?) -> Result<LoadedScenario?, LoadError> {
        guard let tree else { return .success(loaded) }
        guard let file = tree.counterpart(of: loaded.file) else { return .success(nil) }
        do {
            var found = try ScenarioLoader.load(file)
            if let repetitions { found.scenario.repetitions = repetitions }
            return .success(found)
        } catch {
            return .failure(LoadError(file: file.path, description: "the base's scenario file does not load: \(error)"))
        }
    }

    public func remove() { tree?.remove() }

    /// Scenarios whose stored baseline was measured on another kind of
    /// machine at a commit this repository has: that commit, checked out to
    /// be measured in pairs with the change (one worktree per commit). A
    /// commit that cannot be checked out is `warn`ed about, and the stored
    /// baseline serves.
    public static func remeasure(_ scenarios: [LoadedScenario], _ stored: [String: Baseline],
                                 warn: (String) -> Void) -> [String: BaseSetup] {
        let here = EnvironmentFingerprint.current()
        var trees: [String: BaseSetup] = [:]
        var out: [String: BaseSetup] = [:]
        for s in scenarios {
            guard let baseline = stored[s.scenario.name], let commit = baseline.commit else { continue }
            let differences = here.differences(from: baseline.environment)
            guard !differences.isEmpty, BaseTree.hasCommit(commit, near: s.file) else { continue }
            if trees[commit] == nil {
                do {
                    trees[commit] = try BaseSetup(commit: commit, near: s.file, note: "the stored baseline was "
                        + "recorded on a different machine (" + differences.joined(separator: "; ") + "): its commit \(commit.prefix(12)) was measured here instead, "
                        + "interleaved with the change")
                } catch {
                    warn("\(s.scenario.name): cannot check out its baseline's commit \(commit.prefix(12)): \(error); "
                        + "comparing with the stored baseline")
                    continue
                }
            }
            out[s.scenario.name] = trees[commit]
        }
        return out
    }
}
