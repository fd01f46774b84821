/// An error that is the machine's or the environment's, not the target's: a
/// kernel feature missing, a probe that cannot attach, a command that cannot
/// be started. Its description is the one sentence to show; the CLI exits 2.
public protocol EnvironmentProblem: Error, CustomStringConvertible {}
