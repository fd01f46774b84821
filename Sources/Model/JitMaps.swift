/// `run.jit_maps` (`record --jit-maps`): the variables that make runtimes
/// write a perf map of the code they generate (`/tmp/perf-PID.map`), so that
/// samples in it are named by function: CPython 3.12+ (`PYTHONPERFSUPPORT`,
/// as `-X perf`: every Python call goes through a small trampoline the map
/// names), Node (`--perf-basic-prof`, and `--interpreted-frames-native-stack`
/// so that a function still run by the bytecode interpreter has a frame of
/// its own rather than the interpreter's), .NET (`DOTNET_PerfMapEnabled`).
/// Older CPythons and runtimes that need an agent (the JVM) write none.
public enum JitMaps {
    public static let variables = ["PYTHONPERFSUPPORT", "NODE_OPTIONS", "DOTNET_PerfMapEnabled"]

    static let nodeFlags = ["--perf-basic-prof", "--interpreted-frames-native-stack"]

    /// `environment` with the maps turned on; NODE_OPTIONS keeps what it had.
    public static func enabled(in environment: [String: String]) -> [String: String] {
        var out = environment
        out["PYTHONPERFSUPPORT"] = "1"
        out["DOTNET_PerfMapEnabled"] = "1"
        var node = (environment["NODE_OPTIONS"] ?? "").split(separator: " ").map(String.init)
        for flag in nodeFlags where !node.contains(flag) { node.append(flag) }
        out["NODE_OPTIONS"] = node.joined(separator: " ")
        return out
    }
}
