import Model

/// What the alloc probe attaches to, decided before the target starts (see
/// `AllocPlanner` in Harness, which inspects the target's executable).
public struct AllocPlan: Sendable, Equatable {
    /// One allocator function in one file.
    public struct Function: Sendable, Equatable {
        public var path: String
        /// File offset of its first instruction.
        public var offset: UInt64
        public var name: String
        public var call: AllocatorSymbols.Call

        public init(path: String, offset: UInt64, name: String, call: AllocatorSymbols.Call) {
            self.path = path
            self.offset = offset
            self.name = name
            self.call = call
        }
    }

    public enum Mode: Sendable, Equatable {
        /// uprobes and uretprobes on every function, one per distinct address;
        /// anonymous mmap/munmap from the raw syscall tracepoints (tp_btf).
        case exact([Function])
        /// The sampling shim at `preload`, preloaded with one sample per `sampleEvery` bytes on average.
        case sampled(preload: String, sampleEvery: UInt64)
    }

    public var mode: Mode
    /// `alloc.library`.
    public var library: String
    /// Why the plan differs from what was asked (a static target cannot preload the shim, …).
    public var notes: [String]

    public init(mode: Mode, library: String, notes: [String] = []) {
        self.mode = mode
        self.library = library
        self.notes = notes
    }

    /// Function names by the index the BPF side reports (FG_ALLOC_FUNC_MMAP is `mmap`).
    public var functionNames: [String] {
        var names: [String]
        switch mode {
        case let .exact(functions): names = functions.map(\.name)
        case .sampled: names = Array(AllocatorSymbols.standard.map(\.name).prefix(AllocProbe.shimFunctions))
        }
        names += Array(repeating: "", count: max(0, AllocProbe.maxFunctions - names.count))
        names[AllocProbe.mmapFunction] = "mmap"
        return names
    }

    /// Files probed, for the report.
    public var traced: [String] {
        switch mode {
        case let .exact(functions):
            return functions.map(\.path).reduce(into: []) { if !$0.contains($1) { $0.append($1) } }
        case let .sampled(preload, _): return [preload]
        }
    }

    /// Variables the target needs in its environment (the shim in sampled mode).
    public func environment(adding to: [String: String]) -> [String: String] {
        guard case let .sampled(preload, every) = mode else { return to }
        var env = to
        env["LD_PRELOAD"] = [preload, to["LD_PRELOAD"]].compactMap { $0 }.filter { !$0.isEmpty }.joined(separator: ":")
        env[AllocProbe.sampleEveryVariable] = String(every)
        return env
    }
}
