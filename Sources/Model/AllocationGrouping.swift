/// An allocation still outstanding when its process ended, symbolized.
public struct OutstandingAllocation: Sendable, Equatable {
    public var pid: Int32
    /// Root first; the allocator's entry point last.
    public var frames: [Frame]
    public var function: String
    public var size: UInt64
    /// How many allocations it stands for (1 when traced exactly).
    public var weight: Double
    /// When it was allocated, in seconds since the target started.
    public var seconds: Double

    public init(pid: Int32, frames: [Frame], function: String, size: UInt64, weight: Double = 1, seconds: Double) {
        self.pid = pid
        self.frames = frames
        self.function = function
        self.size = size
        self.weight = weight
        self.seconds = seconds
    }
}

/// What one stack allocated through one function in all, freed or not.
public struct AllocationSiteTotal: Sendable, Equatable {
    public var pid: Int32
    /// Root first; the allocator's entry point last.
    public var frames: [Frame]
    public var function: String
    public var count: Double
    public var bytes: Double
    /// The most its allocations held at once during the run (freed or not at exit).
    public var peakBytes: Double

    public init(pid: Int32, frames: [Frame], function: String, count: Double, bytes: Double, peakBytes: Double = 0) {
        self.pid = pid
        self.frames = frames
        self.function = function
        self.count = count
        self.bytes = bytes
        self.peakBytes = peakBytes
    }
}

/// Turns outstanding allocations into leak candidates: grouped by the call
/// path that made them, with the runtime's own one-time allocations set apart.
public enum AllocationGrouping {
    /// File name prefixes of the C and C++ runtimes and of the allocators.
    public static let runtimeModules = [
        "libc.so", "ld-linux", "ld64.so", "libstdc++.so", "libgcc_s.so", "libm.so", "libpthread.so", "libdl.so",
        "libswiftCore.so", "libjemalloc.so", "libtcmalloc", "libmimalloc.so", AllocationGrouping.preloadModule,
    ]
    /// File name prefix of flamegate's sampling shim.
    public static let preloadModule = "libflamegate-alloc"
    /// Allocator modules: every frame in them belongs to the allocator, not to its caller.
    static let allocatorModules = ["libjemalloc.so", "libtcmalloc", "libmimalloc.so", preloadModule]

    /// Runtime functions whose memory belongs to their caller, who must free
    /// it (`strdup`) or close it (`fopen`): what they leave outstanding is the
    /// caller's leak, not a one-time allocation of the runtime.
    public static let allocatesForCaller: Set<String> = [
        "strdup", "strndup", "__strdup", "__strndup", "wcsdup", "asprintf", "vasprintf", "__asprintf",
        "getline", "getdelim", "__getdelim", "realpath", "canonicalize_file_name", "get_current_dir_name", "getcwd",
        "tempnam", "open_memstream", "open_wmemstream", "scandir", "scandir64", "backtrace_symbols", "regcomp",
        "tsearch", "fopen", "fopen64", "fdopen", "freopen", "popen", "opendir", "fdopendir",
    ]

    static func isModule(_ module: String, in prefixes: [String]) -> Bool {
        prefixes.contains { module.hasPrefix($0) }
    }

    /// The call path that made an allocation: its frames without the
    /// allocator's own on top (the entry point, and everything inside an
    /// allocator library or the sampling shim). A script's allocation
    /// (Python, JavaScript) keeps its script frames and the native frames
    /// above the innermost one — the C code that allocated for it — but not
    /// the interpreter's frames below or between them: they are how the
    /// interpreter ran the script, not where its memory goes, and they differ
    /// between equivalent routes (functools.lru_cache's bounded and
    /// unbounded wrappers, unresolved in a stripped interpreter), which would
    /// make one path of the script two.
    public static func site(_ frames: [Frame]) -> [Frame] {
        var site = frames
        while let leaf = site.last,
              leaf.kind == .marker || AllocatorSymbols.isEntryPoint(leaf.name) || isModule(leaf.module, in: allocatorModules) {
            site.removeLast()
        }
        guard let innermost = site.lastIndex(where: \.isScriptCode) else { return site }
        return site[...innermost].filter(\.isScriptCode) + site[(innermost + 1)...]
    }

    /// Whether the runtime allocated for itself: the innermost frames are the
    /// runtime's, and none of them allocates on its caller's behalf.
    public static func isRuntime(site: [Frame]) -> Bool {
        var inRuntime = false
        for frame in site.reversed() {
            guard isModule(frame.module, in: runtimeModules) else { break }
            if allocatesForCaller.contains(frame.name) { return false }
            inRuntime = true
        }
        return inRuntime
    }

    private struct Key: Hashable {
        let site: [Frame]
        let function: String
    }

    /// Leak candidates (the program's) and the runtime's one-time allocations,
    /// each by bytes, largest first. `sites` gives the calls of each path.
    public static func group(outstanding: [OutstandingAllocation], sites: [AllocationSiteTotal])
        -> (leaks: [LeakGroup], runtime: [LeakGroup]) {
        var calls: [Key: Double] = [:]
        for s in sites { calls[Key(site: site(s.frames), function: s.function), default: 0] += s.count }
        var groups: [Key: LeakGroup] = [:]
        for a in outstanding {
            let key = Key(site: site(a.frames), function: a.function)
            var g = groups[key] ?? LeakGroup(site: key.site, function: a.function, bytes: 0, count: 0,
                                             calls: calls[key] ?? 0, pids: [], firstSeconds: a.seconds,
                                             lastSeconds: a.seconds)
            g.bytes += Double(a.size) * a.weight
            g.count += a.weight
            if !g.pids.contains(a.pid) { g.pids.append(a.pid) }
            g.firstSeconds = min(g.firstSeconds, a.seconds)
            g.lastSeconds = max(g.lastSeconds, a.seconds)
            groups[key] = g
        }
        let sorted = groups.values.sorted { ($0.bytes, $1.path) > ($1.bytes, $0.path) }
        return (sorted.filter { !isRuntime(site: $0.site) }, sorted.filter { isRuntime(site: $0.site) })
    }

    /// What the program's own allocation paths held at their height, whether
    /// or not it was freed by exit: a cache that grows while the program runs
    /// and is released at exit (as a garbage-collected runtime does) shows
    /// here and not among the leaks. `bytes` is the peak (summed over the
    /// stacks of one path, an upper bound when their peaks fell apart),
    /// `calls` the allocations the path made. Runtime paths left out.
    public static func retained(_ sites: [AllocationSiteTotal], limit: Int = 10) -> [LeakGroup] {
        var groups: [Key: LeakGroup] = [:]
        for s in sites where s.peakBytes > 0 {
            let key = Key(site: site(s.frames), function: s.function)
            var g = groups[key] ?? LeakGroup(site: key.site, function: s.function, bytes: 0, count: 0, calls: 0, pids: [],
                                             firstSeconds: 0, lastSeconds: 0)
            g.bytes += s.peakBytes
            g.calls += s.count
            if !g.pids.contains(s.pid) { g.pids.append(s.pid) }
            groups[key] = g
        }
        return Array(groups.values.filter { !isRuntime(site: $0.site) }
            .sorted { ($0.bytes, $1.path) > ($1.bytes, $0.path) }.prefix(limit))
    }

    /// The `limit` heaviest stacks by bytes or by count, merged over processes.
    public static func top(_ sites: [AllocationSiteTotal], byBytes: Bool, limit: Int = 10) -> [AllocationStack] {
        var merged: [Key: AllocationStack] = [:]
        for s in sites {
            let key = Key(site: s.frames, function: s.function)
            var stack = merged[key] ?? AllocationStack(frames: s.frames, function: s.function, count: 0, bytes: 0)
            stack.count += s.count
            stack.bytes += s.bytes
            merged[key] = stack
        }
        let value: (AllocationStack) -> Double = byBytes ? { $0.bytes } : { $0.count }
        return Array(merged.values.sorted { a, b in
            value(a) != value(b) ? value(a) > value(b) : a.frames.map(\.name).lexicographicallyPrecedes(b.frames.map(\.name))
        }.prefix(limit))
    }
}
