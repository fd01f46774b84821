import Foundation
import Harness
import Model

/// The base side of `run --base/--base-dir/--base-env`, resolved: the tree
/// it comes from (nil: the change's own tree) and the variables it sets.
final class BaseSetup {
    let tree: BaseTree?
    let environment: [String: String]
    let maxRepetitions: Int?
    /// Why this base is measured, for every report it serves (nil: the user asked).
    let note: String?

    /// A stored baseline's commit, re-measured because the baseline comes
    /// from another machine.
    init(commit: String, near file: URL, note: String) throws {
        self.note = note
        environment = [:]
        maxRepetitions = nil
        tree = try BaseTree(ref: commit, repository: file)
    }

    init(_ options: BaseOptions, paths: [String]) throws {
        note = nil
        environment = options.environment
        maxRepetitions = options.maxRepetitions
        let first = URL(fileURLWithPath: paths.first ?? ".")
        if let ref = options.base {
            tree = try BaseTree(ref: ref, repository: first)
        } else if let dir = options.baseDir {
            let changeRoot = BaseTree.repositoryRoot(of: first)
                ?? URL(fileURLWithPath: FileManager.default.currentDirectoryPath).resolvingSymlinksInPath()
            tree = try BaseTree(directory: dir, changeRoot: changeRoot)
        } else {
            tree = nil
        }
    }

    /// How the reports name the base.
    var description: String {
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

    func remove() { tree?.remove() }
}
