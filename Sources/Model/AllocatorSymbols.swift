/// The allocator entry points the alloc probe traces, per `alloc.library`:
/// which file defines them and how each one's arguments carry the request.
public enum AllocatorSymbols {
    /// Where a function's request is (the BPF side's `enum fg_alloc_layout`).
    public enum Call: Sendable, Equatable {
        /// `malloc(size)`, `valloc`, `pvalloc`, `operator new(size)`, `mallocx(size, flags)`
        case size0
        /// `memalign(alignment, size)`, `aligned_alloc`
        case size1
        /// `calloc(n, size)`
        case calloc
        /// `realloc(ptr, size)`, `rallocx`
        case realloc
        /// `reallocarray(ptr, n, size)`
        case reallocarray
        /// `posix_memalign(&ptr, alignment, size)`
        case posixMemalign
        /// `free(ptr)`, `operator delete(ptr)`, `dallocx`
        case free
    }

    public struct Function: Sendable, Equatable {
        public var name: String
        public var call: Call
        public init(_ name: String, _ call: Call) {
            self.name = name
            self.call = call
        }
    }

    /// A library to find and the functions to trace in it.
    public struct Set: Sendable, Equatable {
        /// File name prefix of the library (`libc.so.6`, `libjemalloc.so`).
        public var module: String
        public var functions: [Function]
    }

    /// The C functions every malloc-compatible allocator exports. Names that
    /// are aliases of one address are traced once, under the first name.
    public static let standard: [Function] = [
        Function("malloc", .size0), Function("calloc", .calloc), Function("realloc", .realloc),
        Function("reallocarray", .reallocarray), Function("posix_memalign", .posixMemalign),
        Function("aligned_alloc", .size1), Function("memalign", .size1), Function("valloc", .size0),
        Function("pvalloc", .size0), Function("free", .free),
    ]

    /// libstdc++'s `operator new`/`operator delete`, mangled, every variant
    /// (array, nothrow, aligned, sized delete).
    public static let cxx: [Function] = ["_Znwm", "_Znam", "_ZnwmRKSt9nothrow_t", "_ZnamRKSt9nothrow_t",
                                         "_ZnwmSt11align_val_t", "_ZnamSt11align_val_t",
                                         "_ZnwmSt11align_val_tRKSt9nothrow_t",
                                         "_ZnamSt11align_val_tRKSt9nothrow_t"].map { Function($0, .size0) }
        + ["_ZdlPv", "_ZdaPv", "_ZdlPvm", "_ZdaPvm", "_ZdlPvSt11align_val_t", "_ZdaPvSt11align_val_t",
           "_ZdlPvmSt11align_val_t", "_ZdaPvmSt11align_val_t", "_ZdlPvRKSt9nothrow_t",
           "_ZdaPvRKSt9nothrow_t"].map { Function($0, .free) }

    /// The sets of an `alloc.library` value (see `AllocSettings.libraries`), in attach order.
    public static func sets(for library: String) -> [Set] {
        switch library {
        case "jemalloc":
            return [Set(module: "libjemalloc.so", functions: standard + [
                Function("mallocx", .size0), Function("rallocx", .realloc), Function("dallocx", .free),
                Function("sdallocx", .free),
            ])]
        case "tcmalloc":
            return [Set(module: "libtcmalloc", functions: standard + [
                Function("tc_malloc", .size0), Function("tc_calloc", .calloc), Function("tc_realloc", .realloc),
                Function("tc_memalign", .size1), Function("tc_posix_memalign", .posixMemalign),
                Function("tc_valloc", .size0), Function("tc_pvalloc", .size0), Function("tc_free", .free),
                Function("tc_new", .size0), Function("tc_newarray", .size0), Function("tc_delete", .free),
                Function("tc_deletearray", .free),
            ] + cxx)]
        case "mimalloc":
            return [Set(module: "libmimalloc.so", functions: standard + [
                Function("mi_malloc", .size0), Function("mi_zalloc", .size0), Function("mi_calloc", .calloc),
                Function("mi_realloc", .realloc), Function("mi_malloc_aligned", .size0),
                Function("mi_free", .free),
            ])]
        case "cxx":
            return [Set(module: "libstdc++.so", functions: cxx), Set(module: "libc.so.6", functions: standard)]
        default:
            return [Set(module: "libc.so.6", functions: standard)]
        }
    }

    /// Whether a symbolized frame is an allocator entry point of any set (C
    /// names as they are, C++ ones demangled).
    public static func isEntryPoint(_ name: String) -> Bool {
        entryNames.contains(name) || name.hasPrefix("operator new") || name.hasPrefix("operator delete")
    }

    private static let entryNames: Swift.Set<String> = Swift.Set(
        (["libc", "jemalloc", "tcmalloc", "mimalloc"].flatMap { sets(for: $0) }.flatMap(\.functions).map(\.name))
            + ["__libc_malloc", "__libc_calloc", "__libc_realloc", "__libc_memalign", "__libc_free", "mmap",
               "mmap64", "__mmap"])
}
