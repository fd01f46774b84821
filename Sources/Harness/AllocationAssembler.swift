import Model
import Probes
import Symbols

/// Turns the alloc probe's raw maps into the recording's allocation report,
/// its `alloc` (bytes allocated) and `leak` (bytes outstanding at exit)
/// profiles, and its metrics.
struct AllocationAssembler {
    let raw: RawAllocations
    let plan: AllocPlan
    let symbolizer: Symbolizer
    /// Monotonic time the target was released: allocation times count from it.
    let origin: UInt64
    /// The launched process: its allocations before exec were flamegate's own code.
    let heldPid: Int32
    private let names: [String]
    private let finalGeneration: [Int32: UInt32]
    private let processNames: [Int32: String]
    private var frames: [FrameKey: [Frame]] = [:]

    private struct FrameKey: Hashable {
        let pid: Int32
        let generation: UInt32
        let stack: UInt64
        let function: Int
    }

    init(raw: RawAllocations, plan: AllocPlan, symbolizer: Symbolizer, processes: [ProcessRecord], origin: UInt64,
         heldPid: Int32) {
        self.raw = raw
        self.plan = plan
        self.symbolizer = symbolizer
        self.origin = origin
        self.heldPid = heldPid
        names = plan.functionNames.map { $0.isEmpty ? $0 : Demangler.demangle($0) }
        // a process's allocations die with its image: only the last exec's count at its end
        finalGeneration = Dictionary(processes.map { ($0.pid, UInt32($0.executables.count)) }) { a, _ in a }
        processNames = Dictionary(processes.map { ($0.pid, $0.names.last ?? "pid \($0.pid)") }) { a, _ in a }
    }

    mutating func assemble() -> (report: AllocationReport, profiles: [Profile]) {
        let live = raw.live.filter { a in finalGeneration[a.pid].map { $0 == a.generation } ?? true }
        let outstanding = live.map { a in
            OutstandingAllocation(pid: a.pid, frames: stackFrames(a.pid, a.generation, a.stack, a.function),
                                  function: names[a.function], size: a.size, weight: a.weight,
                                  seconds: a.timestamp >= origin ? Double(a.timestamp - origin) / 1e9 : 0)
        }
        let sites = raw.sites.filter { !($0.pid == heldPid && $0.generation == 0) }.map { s in
            AllocationSiteTotal(pid: s.pid, frames: stackFrames(s.pid, s.generation, s.stack, s.function),
                                function: names[s.function], count: s.count, bytes: s.bytes, peakBytes: s.peakBytes)
        }
        let (leaks, runtime) = AllocationGrouping.group(outstanding: outstanding, sites: sites)
        let functions = raw.functions.enumerated().compactMap { i, f -> AllocatorFunctionTotals? in
            guard !names[i].isEmpty, f.count > 0 || f.frees > 0 || f.failed > 0 else { return nil }
            return AllocatorFunctionTotals(name: names[i], count: f.count, bytes: f.bytes, frees: f.frees,
                                           failed: f.failed, sizes: SizeHistogram(slots: f.sizes))
        }
        var notes = plan.notes
        var sampleEvery: UInt64?
        if case let .sampled(_, every) = plan.mode {
            sampleEvery = every
            if raw.counters["shim_processes"] == 0 {
                notes.append("no tracked process loaded the sampling shim (a program that clears LD_PRELOAD?): "
                    + "nothing was sampled")
            }
        }
        let report = AllocationReport(
            mode: sampleEvery == nil ? .exact : .sampled, library: plan.library, sampleEveryBytes: sampleEvery,
            traced: plan.traced, functions: functions, topByBytes: AllocationGrouping.top(sites, byBytes: true),
            topByCount: AllocationGrouping.top(sites, byBytes: false), leaks: leaks, runtime: runtime,
            retained: AllocationGrouping.retained(sites), peakOutstandingBytes: raw.peakBytes, counters: raw.counters, notes: notes)
        let leaked = outstanding.filter { !AllocationGrouping.isRuntime(site: AllocationGrouping.site($0.frames)) }
        return (report, [profile("alloc", sites.map { ($0.pid, $0.frames, $0.bytes) }),
                         profile("leak", leaked.map { ($0.pid, $0.frames, Double($0.size) * $0.weight) })])
    }

    /// Root-first frames of a stored stack; in sampled mode the shim's own
    /// frames give way to one frame named for the function it wrapped.
    private mutating func stackFrames(_ pid: Int32, _ generation: UInt32, _ hash: UInt64, _ function: Int) -> [Frame] {
        let key = FrameKey(pid: pid, generation: generation, stack: hash, function: function)
        if let known = frames[key] { return known }
        var out: [Frame] = []
        if let stack = raw.stacks[hash] {
            out = symbolizer.frames(pid: pid, generation: generation, user: stack.ips, leafReturn: stack.leafReturn, kernel: [],
                                    python: stack.python)
        }
        if case .sampled = plan.mode {
            while let leaf = out.last, leaf.module.hasPrefix(AllocationGrouping.preloadModule) { out.removeLast() }
            out.append(Frame(name: names[function], module: AllocationGrouping.preloadModule, kind: .user,
                             resolved: true))
        }
        frames[key] = out
        return out
    }

    /// A bytes profile, one stack per process and distinct frames.
    private func profile(_ kind: String, _ stacks: [(pid: Int32, frames: [Frame], bytes: Double)]) -> Profile {
        var builder = ProfileBuilder(kind: kind, unit: .bytes)
        var merged: [[Int]: (pid: Int32, bytes: Double)] = [:]
        var order: [[Int]] = []
        for s in stacks {
            let key = [Int(s.pid)] + s.frames.map { builder.intern($0) }
            if merged[key] == nil { order.append(key) }
            merged[key, default: (s.pid, 0)].bytes += s.bytes
        }
        for key in order {
            let (pid, bytes) = merged[key]!
            let value = UInt64(bytes.rounded())
            guard value > 0 else { continue }
            builder.add(StackSample(pid: pid, tid: pid, thread: processNames[pid] ?? "pid \(pid)",
                                    frames: Array(key.dropFirst()), value: value))
        }
        return builder.profile
    }
}
