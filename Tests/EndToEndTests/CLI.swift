import Foundation
import TestSupport

/// Runs the built flamegate binary like a user would.
enum CLI {
    static func run(_ args: [String], environment: [String: String]? = nil) throws -> CommandResult {
        try Command.run([TestPaths.flamegate.path] + args, environment: environment)
    }

    static var built: Bool { FileManager.default.isExecutableFile(atPath: TestPaths.flamegate.path) }
}
