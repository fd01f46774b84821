import Model

/// Turns raw instruction pointers into frames: user addresses through the
/// process's mappings and the mapped file's symbols, kernel addresses through
/// kallsyms. Counts what it could not resolve.
public final class Symbolizer {
    private let spaces: AddressSpaces
    private let modules: ModuleCache
    private var kernel: KernelSymbols?
    private var kernelLoaded = false
    private var cache: [CacheKey: Frame] = [:]

    /// Frames symbolized, and how many of those stayed unresolved.
    public private(set) var framesSeen: UInt64 = 0
    public private(set) var framesUnresolved: UInt64 = 0

    private struct CacheKey: Hashable {
        let pid: Int32
        let generation: UInt32
        let address: UInt64
    }

    private let perfMapLoader: (Int32) -> PerfMap?

    /// `perfMaps` finds a process's perf map (`/tmp/perf-PID.map` unless told).
    public init(spaces: AddressSpaces, modules: ModuleCache, kernel: KernelSymbols? = nil,
                perfMaps: @escaping (Int32) -> PerfMap? = { PerfMap.load(pid: $0) }) {
        self.spaces = spaces
        self.modules = modules
        self.perfMapLoader = perfMaps
        self.kernel = kernel
        self.kernelLoaded = kernel != nil
    }

    /// Frames root-first from leaf-first user and kernel instruction pointers
    /// (as bpf_get_stack returns them). Every frame but the leaf is a return
    /// address, looked up one byte earlier so it lands in the calling function.
    /// `leafReturn` (the return address found on top of the user stack) restores
    /// the caller a frame-pointer walk skips when the user leaf had no frame.
    /// The kernel side sets `leafReturn` to 0 when it unwound the leaf with
    /// the file's unwind table (the caller is then already in `user`).
    public func frames(pid: Int32, generation: UInt32, user: [UInt64], leafReturn: UInt64 = 0,
                       kernel: [UInt64], python: [UInt64] = []) -> [Frame] {
        let native = nativeFrames(pid: pid, generation: generation, user: user, leafReturn: leafReturn, kernel: kernel)
        guard !python.isEmpty else { return native }
        let named = python.map { encoded -> PythonFrames.Frame in
            let address = encoded & ~PythonFrames.entryBit
            let code = pythonCodes[PythonCodeID(pid: pid, generation: generation, address: address)]
            return PythonFrames.Frame(frame: code.map { PythonFrames.frame(name: $0.name, file: $0.file, line: $0.line) }
                                          ?? Frame(name: "[python code 0x\(String(address, radix: 16))]",
                                                   module: Frame.pythonModule, kind: .user, resolved: false),
                                      entry: encoded & PythonFrames.entryBit != 0)
        }
        for f in named { count(f.frame) }
        return PythonFrames.splice(native: native, python: named)
    }

    /// Names of the code objects the kernel side walked (`bpf/python.h`).
    public var pythonCodes: [PythonCodeID: PythonCode] = [:]

    private func nativeFrames(pid: Int32, generation: UInt32, user: [UInt64], leafReturn: UInt64,
                              kernel: [UInt64]) -> [Frame] {
        let id = SpaceIDKey(pid: pid, generation: generation)
        var kernelFrames = kernel.enumerated().map { i, ip in kernelFrame(address: i == 0 ? ip : ip &- 1) }
        // the user leaf is where a syscall returns to, unless the kernel was
        // entered by an exception or an interrupt (a page fault on the
        // function's first instruction): then it is the instruction itself
        let leafIsExact = kernel.isEmpty || kernelFrames.contains(where: Self.isExceptionEntry)
        var userFrames: [Frame] = []
        userFrames.reserveCapacity(user.count + 1)
        for (i, ip) in user.enumerated() {
            let exact = i == 0 && leafIsExact
            userFrames.append(userFrame(pid: pid, generation: generation, address: exact ? ip : ip &- 1))
        }
        if leafReturn != 0, let leaf = user.first, user.count < 2 || user[1] != leafReturn,
           leafHasNoFrame(id, ip: leaf, exact: leafIsExact) {
            let caller = userFrame(pid: pid, generation: generation, address: leafReturn &- 1)
            if caller.resolved { userFrames.insert(caller, at: 1) }
        }
        var out: [Frame] = userFrames.reversed()
        // a stack taken inside a BPF program starts with the program and the
        // tracepoint plumbing that called it: not the traced code
        while let leaf = kernelFrames.first, Self.isTracingPlumbing(leaf) { kernelFrames.removeFirst() }
        out += kernelFrames.reversed()
        return out
    }

    /// x86-64 entry code of exceptions and interrupts (`asm_exc_page_fault`,
    /// `asm_sysvec_apic_timer_interrupt`, `asm_common_interrupt`).
    static func isExceptionEntry(_ frame: Frame) -> Bool {
        frame.name.hasPrefix("asm_exc_") || frame.name.hasPrefix("asm_sysvec_") || frame.name == "asm_common_interrupt"
    }

    static func isTracingPlumbing(_ frame: Frame) -> Bool {
        frame.module == "[bpf]" || frame.name.hasPrefix("bpf_trace_run") || frame.name.hasPrefix("__traceiter_")
            || frame.name.hasPrefix("__bpf_trace_") || frame.name.hasPrefix("bpf_prog_")
    }

    private var framelessCache: [FramelessKey: Bool] = [:]
    private struct FramelessKey: Hashable {
        let module: String
        let vaddr: UInt64
    }

    /// True when, at `ip`, the function has not set up (or already tore down)
    /// its frame: no `push %rbp; mov %rsp,%rbp` prologue, or stopped at its
    /// first instruction or at a `ret`. Its caller is then missing from the
    /// frame-pointer chain. x86-64 prologues only.
    private func leafHasNoFrame(_ id: SpaceIDKey, ip: UInt64, exact: Bool) -> Bool {
        #if arch(x86_64)
        let lookup = exact ? ip : ip &- 1
        guard let (mapping, loaded, moduleKey) = locate(id, lookup), let module = loaded, let key = moduleKey,
              let vaddr = module.image.virtualAddress(fileOffset: lookup - mapping.start + mapping.fileOffset),
              let hit = module.symbols.lookup(vaddr) else { return false }
        let start = vaddr - hit.offset
        let ipVaddr = exact ? vaddr : vaddr + 1
        let cacheKey = FramelessKey(module: key, vaddr: ipVaddr)
        if let known = framelessCache[cacheKey] { return known }
        let code = module.bytes(atVirtualAddress: start, count: 8)
        let push = code.starts(with: [0xf3, 0x0f, 0x1e, 0xfa]) ? 4 : 0 // endbr64
        let framed = code.count >= push + 4 && code[push] == 0x55
            && (code[(push + 1)...(push + 3)].elementsEqual([0x48, 0x89, 0xe5])
                || code[(push + 1)...(push + 3)].elementsEqual([0x48, 0x8b, 0xec]))
        let noFrame = !framed || ipVaddr - start <= UInt64(push)
            || module.bytes(atVirtualAddress: ipVaddr, count: 1) == [0xc3]
        framelessCache[cacheKey] = noFrame
        return noFrame
        #else
        return false
        #endif
    }

    public func userFrame(pid: Int32, generation: UInt32, address: UInt64) -> Frame {
        let key = CacheKey(pid: pid, generation: generation, address: address)
        let frame = cache[key] ?? resolveUser(SpaceIDKey(pid: pid, generation: generation), address)
        cache[key] = frame
        count(frame)
        return frame
    }

    public func kernelFrame(address: UInt64) -> Frame {
        let key = CacheKey(pid: -1, generation: 0, address: address)
        let frame = cache[key] ?? resolveKernel(address)
        cache[key] = frame
        count(frame)
        return frame
    }

    private typealias SpaceIDKey = AddressSpaces.SpaceID

    private func count(_ frame: Frame) {
        framesSeen += 1
        if !frame.resolved { framesUnresolved += 1 }
    }

    /// A space's mappings with their modules looked up once, so resolving an
    /// address hashes no strings.
    private struct ResolvedMapping {
        let start: UInt64
        let end: UInt64
        let fileOffset: UInt64
        let path: String
        let slot: Int? // into `slots`
    }
    private var resolvedSpaces: [SpaceIDKey: [ResolvedMapping]] = [:]
    private var slotOfKey: [String: Int] = [:]
    private var slots: [(key: String, module: LoadedModule?)] = []
    private struct SymbolKey: Hashable {
        let slot: Int
        let index: Int
    }
    private var symbolFrames: [SymbolKey: Frame] = [:]

    private func resolvedSpace(_ id: SpaceIDKey) -> [ResolvedMapping] {
        if let known = resolvedSpaces[id] { return known }
        let list = spaces.mappings(id).map { m -> ResolvedMapping in
            ResolvedMapping(start: m.start, end: m.end, fileOffset: m.fileOffset, path: m.path,
                            slot: m.moduleKey.map(slot(forKey:)))
        }
        resolvedSpaces[id] = list
        return list
    }

    private func slot(forKey key: String) -> Int {
        if let slot = slotOfKey[key] { return slot }
        slots.append((key, modules.module(forKey: key)))
        slotOfKey[key] = slots.count - 1
        return slots.count - 1
    }

    /// The mapping containing `address` and its module.
    private func locate(_ id: SpaceIDKey, _ address: UInt64) -> (ResolvedMapping, LoadedModule?, String?)? {
        let list = resolvedSpace(id)
        var low = 0, high = list.count
        while low < high {
            let mid = (low + high) / 2
            if list[mid].start <= address { low = mid + 1 } else { high = mid }
        }
        guard low > 0, address < list[low - 1].end else { return nil }
        let mapping = list[low - 1]
        guard let slot = mapping.slot else { return (mapping, nil, nil) }
        return (mapping, slots[slot].module, slots[slot].key)
    }

    /// Each process's perf map (JIT and interpreter code), read on first need.
    private var perfMaps: [Int32: PerfMap?] = [:]

    private func perfMapFrame(_ pid: Int32, _ address: UInt64) -> Frame? {
        if perfMaps[pid] == nil { perfMaps[pid] = .some(perfMapLoader(pid)) }
        guard let map = perfMaps[pid] ?? nil, let name = map.name(at: address) else { return nil }
        return PerfMap.frame(name)
    }

    private func resolveUser(_ id: SpaceIDKey, _ address: UInt64) -> Frame {
        guard let (mapping, loaded, _) = locate(id, address) else {
            return perfMapFrame(id.pid, address)
                ?? Frame(name: "[unknown]", module: "[unknown]", kind: .user, resolved: false)
        }
        let fileOffset = address - mapping.start + mapping.fileOffset
        // anonymous memory (`//anon`) or a file that could not be read
        if loaded == nil, let frame = perfMapFrame(id.pid, address) { return frame }
        guard let module = loaded, let slot = mapping.slot else {
            let moduleName = mapping.path.split(separator: "/").last.map(String.init) ?? mapping.path
            return unresolved(moduleName, fileOffset)
        }
        guard let vaddr = module.image.virtualAddress(fileOffset: fileOffset) else {
            return unresolved(module.name, fileOffset)
        }
        guard let hit = module.symbols.lookupIndex(vaddr) else {
            return unresolved(module.name, vaddr)
        }
        // one Frame per symbol: names are built and demangled once
        let symbolKey = SymbolKey(slot: slot, index: hit.index)
        if let frame = symbolFrames[symbolKey] { return frame }
        let frame = Frame(name: Demangler.displayName(module.symbols.name(ofIndex: hit.index)), module: module.name,
                          kind: .user, resolved: true)
        symbolFrames[symbolKey] = frame
        return frame
    }

    private func resolveKernel(_ address: UInt64) -> Frame {
        if !kernelLoaded {
            kernel = modules.kernel
            kernelLoaded = true
        }
        guard let hit = kernel?.lookup(address) else {
            return Frame(name: "[kernel]+0x" + String(address, radix: 16), module: "[kernel]", kind: .kernel,
                         resolved: false)
        }
        return Frame(name: Demangler.stripCloneSuffixes(hit.name), module: hit.module, kind: .kernel, resolved: true)
    }

    private func unresolved(_ module: String, _ offset: UInt64) -> Frame {
        Frame(name: "\(module)+0x\(String(offset, radix: 16))", module: module, kind: .user, resolved: false)
    }
}
