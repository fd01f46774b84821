import Testing
@testable import Model

/// Leak candidates from outstanding allocations: the call path,
/// bytes per call, and the runtime's one-time allocations kept apart.
@Suite struct AllocationGroupingTests {
    static func f(_ name: String, _ module: String = "app") -> Frame {
        Frame(name: name, module: module, kind: .user, resolved: true)
    }

    static let main = [f("__libc_start_call_main", "libc.so.6"), f("main")]
    static let leaky = main + [f("process_image"), f("alloc_buffer"), f("malloc", "libc.so.6")]
    static let stdio = main + [f("printf", "libc.so.6"), f("__vfprintf_internal", "libc.so.6"),
                               f("_IO_file_doallocate", "libc.so.6"), f("malloc", "libc.so.6")]

    @Test func siteDropsTheAllocatorsOwnFrames() {
        #expect(AllocationGrouping.site(Self.leaky).map(\.name)
            == ["__libc_start_call_main", "main", "process_image", "alloc_buffer"])
        // sampled: the shim's wrapper and marker; C++: operator new, demangled
        let shim = Self.main + [Self.f("operator new(unsigned long)", "libstdc++.so.6"),
                                Self.f("malloc", "libflamegate-alloc-1f.so"),
                                Self.f("fg_alloc_sample_alloc", "libflamegate-alloc-1f.so")]
        #expect(AllocationGrouping.site(shim).map(\.name) == ["__libc_start_call_main", "main"])
        let jemalloc = Self.main + [Self.f("je_arena_malloc", "libjemalloc.so.2"), Self.f("malloc", "libjemalloc.so.2")]
        #expect(AllocationGrouping.site(jemalloc).map(\.name) == ["__libc_start_call_main", "main"])
    }

    @Test func aScriptsPathIsItsFunctionsAndTheCodeThatAllocatedForThem() {
        let py = { (name: String) in Frame(name: name, module: Frame.pythonModule, kind: .user, resolved: true) }
        let interpreter = { (name: String) in Self.f(name, "python3.11") }
        func stack(_ wrapper: String) -> [Frame] {
            [interpreter("_start"), interpreter("Py_RunMain"), interpreter("_PyEval_EvalFrameDefault"), py("<module> (app.py:1)"),
             interpreter("_PyEval_EvalFrameDefault"), py("serve (app.py:20)"), interpreter(wrapper),
             interpreter("_PyFunction_Vectorcall"), interpreter("_PyEval_EvalFrameDefault"), py("render (app.py:14)"),
             interpreter("_PyBytes_Repeat"), interpreter("PyObject_Malloc"), Self.f("malloc", "libc.so.6")]
        }
        // the same script path whichever route the interpreter took between its functions
        let bounded = AllocationGrouping.site(stack("python3.11+0x5f730f")), unbounded = AllocationGrouping.site(stack("python3.11+0x4a6035"))
        #expect(bounded == unbounded)
        #expect(bounded.map(\.name) == ["<module> (app.py:1)", "serve (app.py:20)", "render (app.py:14)", "_PyBytes_Repeat",
                                        "PyObject_Malloc"])
        // native programs keep every frame
        #expect(AllocationGrouping.site(Self.leaky).count == Self.leaky.count - 1)
    }

    @Test func runtimeOneTimeAllocationsAreTheRuntimes() {
        #expect(AllocationGrouping.isRuntime(site: AllocationGrouping.site(Self.stdio)))
        let tls = [Self.f("_dl_start", "ld-linux-x86-64.so.2"), Self.f("_dl_allocate_tls", "ld-linux-x86-64.so.2")]
        #expect(AllocationGrouping.isRuntime(site: tls))
        #expect(!AllocationGrouping.isRuntime(site: AllocationGrouping.site(Self.leaky)))
    }

    @Test func memoryLibcAllocatesForTheCallerIsTheCallers() {
        // strdup's copy, asprintf's string (through an internal function), fopen's FILE
        #expect(!AllocationGrouping.isRuntime(site: Self.main + [Self.f("strdup", "libc.so.6")]))
        #expect(!AllocationGrouping.isRuntime(site: Self.main + [Self.f("asprintf", "libc.so.6"),
                                                                 Self.f("__vasprintf_internal", "libc.so.6")]))
        #expect(!AllocationGrouping.isRuntime(site: Self.main + [Self.f("fopen", "libc.so.6"),
                                                                 Self.f("__fopen_internal", "libc.so.6")]))
        // a stack that could not be read stays a candidate: it may be the program's
        #expect(!AllocationGrouping.isRuntime(site: []))
    }

    @Test func outstandingGroupsByPathWithBytesPerCall() throws {
        var outstanding: [OutstandingAllocation] = []
        for i in 0..<3 {
            outstanding.append(OutstandingAllocation(pid: 10, frames: Self.leaky, function: "malloc", size: 1 << 20,
                                                     seconds: Double(i)))
        }
        outstanding.append(OutstandingAllocation(pid: 11, frames: Self.leaky, function: "malloc", size: 1 << 20,
                                                 seconds: 5))
        outstanding.append(OutstandingAllocation(pid: 10, frames: Self.stdio, function: "malloc", size: 4096,
                                                 seconds: 0.1))
        let sites = [AllocationSiteTotal(pid: 10, frames: Self.leaky, function: "malloc", count: 6, bytes: Double(6 << 20)),
                     AllocationSiteTotal(pid: 11, frames: Self.leaky, function: "malloc", count: 2, bytes: Double(2 << 20))]
        let (leaks, runtime) = AllocationGrouping.group(outstanding: outstanding, sites: sites)
        let leak = try #require(leaks.first)
        #expect(leaks.count == 1)
        #expect(leak.path == "alloc_buffer ← process_image ← main ← __libc_start_call_main")
        #expect(leak.bytes == Double(4 << 20))
        #expect(leak.count == 4)
        #expect(leak.calls == 8)
        #expect(leak.bytesPerCall == Double(512 << 10), "4 of 8 calls leaked 1 MiB: 512 KiB a call")
        #expect(leak.pids == [10, 11])
        #expect(leak.firstSeconds == 0 && leak.lastSeconds == 5)
        #expect(runtime.map(\.bytes) == [4096])
    }

    @Test func sampledWeightsScaleTheGroups() throws {
        let small = Self.main + [Self.f("cache_put"), Self.f("malloc", "libc.so.6")]
        let outstanding = [OutstandingAllocation(pid: 1, frames: small, function: "malloc", size: 100, weight: 50,
                                                 seconds: 1)]
        let leak = try #require(AllocationGrouping.group(outstanding: outstanding, sites: []).leaks.first)
        #expect(leak.bytes == 5000)
        #expect(leak.count == 50)
        #expect(leak.bytesPerCall == 100, "no site totals: per outstanding block")
    }

    @Test func topStacksMergeProcessesAndOrder() {
        let a = Self.main + [Self.f("a"), Self.f("malloc", "libc.so.6")]
        let b = Self.main + [Self.f("b"), Self.f("malloc", "libc.so.6")]
        let sites = [AllocationSiteTotal(pid: 1, frames: a, function: "malloc", count: 10, bytes: 100),
                     AllocationSiteTotal(pid: 2, frames: a, function: "malloc", count: 10, bytes: 100),
                     AllocationSiteTotal(pid: 1, frames: b, function: "malloc", count: 5, bytes: 5000)]
        #expect(AllocationGrouping.top(sites, byBytes: true).map(\.bytes) == [5000, 200])
        #expect(AllocationGrouping.top(sites, byBytes: false).map(\.count) == [20, 5])
        #expect(AllocationGrouping.top(sites, byBytes: true, limit: 1).count == 1)
    }

    @Test func sizeHistogramSlotsAreBpftracesBuckets() {
        #expect(SizeHistogram.slot(of: 0) == 0)
        #expect(SizeHistogram.slot(of: 1) == 1)
        #expect(SizeHistogram.slot(of: 2) == 2 && SizeHistogram.slot(of: 3) == 2)
        #expect(SizeHistogram.slot(of: 1 << 20) == 21)
        #expect(SizeHistogram.slot(of: UInt64.max) == 64)
        #expect(SizeHistogram.bounds(slot: 21).low == 1 << 20 && SizeHistogram.bounds(slot: 21).high == 1 << 21)
        #expect(SizeHistogram.bounds(slot: 0).low == 0 && SizeHistogram.bounds(slot: 0).high == 1)
        let h = SizeHistogram(slots: [0, 0, 3, 0, 1, 0, 0])
        #expect(h.slots.count == 5, "trailing empty slots dropped")
        #expect(h.rows.map { $0.low } == [2, 4, 8])
        #expect(h.adding(SizeHistogram(slots: [1])).slots == [1, 0, 3, 0, 1])
        #expect(h.count == 4)
    }

    @Test func reportMetricsAreTheGatedAndComparedOnes() {
        let report = AllocationReport(
            mode: .exact, library: "libc", traced: ["/lib/libc.so.6"],
            functions: [AllocatorFunctionTotals(name: "malloc", count: 10, bytes: 1000, frees: 7, failed: 0,
                                                sizes: SizeHistogram())],
            leaks: [LeakGroup(site: [], function: "malloc", bytes: 300, count: 3, calls: 3, pids: [1],
                              firstSeconds: 0, lastSeconds: 0)],
            peakOutstandingBytes: 800)
        #expect(report.metrics == ["alloc.leaked_bytes": 300, "alloc.count": 10, "alloc.bytes": 1000,
                                   "alloc.peak_outstanding_bytes": 800])
        #expect(Metric.named("alloc.leaked_bytes")?.threshold == .leakedBytes)
    }

    @Test func byteCountsReadAsBinaryUnits() {
        #expect(ByteCount.format(0) == "0 B")
        #expect(ByteCount.format(4096) == "4 KiB")
        #expect(ByteCount.format(3 * 1_048_576) == "3.0 MiB")
    }
}
