import Foundation
import Model

/// Failures of launching and running a target, each naming the command or file.
public enum HarnessError: EnvironmentProblem, Equatable {
    case commandNotFound(String)
    case notExecutable(String, reason: String)
    case spawnFailed(String, reason: String)
    case output(String)

    public var description: String {
        switch self {
        case let .commandNotFound(name):
            return "command not found: '\(name)' (not a path and not in PATH)"
        case let .notExecutable(path, reason):
            return "cannot execute '\(path)': \(reason)"
        case let .spawnFailed(command, reason):
            return "cannot start '\(command)': \(reason)"
        case let .output(message):
            return message
        }
    }
}

func errnoString(_ code: Int32) -> String { String(cString: strerror(code)) }
