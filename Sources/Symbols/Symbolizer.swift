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
    private var demangled: [String: String] = [:]

    /// Frames symbolized, and how many of those stayed unresolved.
    public private(set) var framesSeen: UInt64 = 0
    public private(set) var framesUnresolved: UInt64 = 0

    private struct CacheKey: Hashable {
        let pid: Int32
        let generation: UInt32
        let address: UInt64
    }

    public init(spaces: AddressSpaces, modules: ModuleCache, kernel: KernelSymbols? = nil) {
        self.spaces = spaces
        self.modules = modules
        self.kernel = kernel
        self.kernelLoaded = kernel != nil
    }

    /// Frames root-first from leaf-first user and kernel instruction pointers
    /// (as bpf_get_stack returns them). Every frame but the leaf is a return
    /// address, looked up one byte earlier so it lands in the calling function.
    public func frames(pid: Int32, generation: UInt32, user: [UInt64], kernel: [UInt64]) -> [Frame] {
        var out: [Frame] = []
        out.reserveCapacity(user.count + kernel.count)
        let leafIsKernel = !kernel.isEmpty
        for (i, ip) in user.enumerated().reversed() {
            let isLeaf = i == 0 && !leafIsKernel
            out.append(userFrame(pid: pid, generation: generation, address: isLeaf ? ip : ip &- 1))
        }
        for (i, ip) in kernel.enumerated().reversed() {
            out.append(kernelFrame(address: i == 0 ? ip : ip &- 1))
        }
        return out
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

    private func resolveUser(_ id: SpaceIDKey, _ address: UInt64) -> Frame {
        guard let mapping = spaces.find(id, address: address) else {
            return Frame(name: "[unknown]", module: "[unknown]", kind: .user, resolved: false)
        }
        let fileOffset = address - mapping.start + mapping.fileOffset
        let moduleName = mapping.path.split(separator: "/").last.map(String.init) ?? mapping.path
        guard let key = mapping.moduleKey, let module = modules.module(forKey: key) else {
            return unresolved(moduleName, fileOffset)
        }
        guard let vaddr = module.image.virtualAddress(fileOffset: fileOffset) else {
            return unresolved(module.name, fileOffset)
        }
        guard let hit = module.symbols.lookup(vaddr) else {
            return unresolved(module.name, vaddr)
        }
        return Frame(name: demangle(hit.name), module: module.name, kind: .user, resolved: true)
    }

    private func resolveKernel(_ address: UInt64) -> Frame {
        if !kernelLoaded {
            kernel = try? KernelSymbols.load()
            kernelLoaded = true
        }
        guard let hit = kernel?.lookup(address) else {
            return Frame(name: "[kernel]+0x" + String(address, radix: 16), module: "[kernel]", kind: .kernel,
                         resolved: false)
        }
        return Frame(name: hit.name, module: hit.module, kind: .kernel, resolved: true)
    }

    private func unresolved(_ module: String, _ offset: UInt64) -> Frame {
        Frame(name: "\(module)+0x\(String(offset, radix: 16))", module: module, kind: .user, resolved: false)
    }

    private func demangle(_ name: String) -> String {
        if let done = demangled[name] { return done }
        let result = Demangler.demangle(name)
        demangled[name] = result
        return result
    }
}
