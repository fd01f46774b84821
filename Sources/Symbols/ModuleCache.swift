import CFlamegateBPF
import Foundation

/// A file's symbols ready for lookups: segments from the file itself, symbols
/// from it or from its separate debug file.
public struct LoadedModule: Sendable {
    public let name: String
    public let image: ElfImage
    public let symbols: SymbolTable
    /// Where the symbols came from: `.symtab`, `.dynsym` or a debug file path.
    public let symbolSource: String
    let code: CodeSource

    /// Machine code bytes at a link-time virtual address (empty when unreadable).
    public func bytes(atVirtualAddress vaddr: UInt64, count: Int) -> [UInt8] {
        code.bytes(image: image, vaddr: vaddr, count: count)
    }
}

/// Where a module's code bytes are read from: its open file, or memory (vDSO).
final class CodeSource: @unchecked Sendable {
    private let fd: Int32
    private let memory: UnsafeRawBufferPointer?

    init(fd: Int32) {
        self.fd = fd
        memory = nil
    }

    init(memory: UnsafeRawBufferPointer) {
        fd = -1
        self.memory = memory
    }

    deinit {
        if fd >= 0 { close(fd) }
    }

    func bytes(image: ElfImage, vaddr: UInt64, count: Int) -> [UInt8] {
        guard let segment = image.segments.first(where: {
            vaddr >= $0.virtualAddress && vaddr < $0.virtualAddress + $0.fileSize
        }) else { return [] }
        let offset = vaddr - segment.virtualAddress + segment.fileOffset
        let n = Int(min(UInt64(count), segment.virtualAddress + segment.fileSize - vaddr))
        if let memory {
            guard offset + UInt64(n) <= UInt64(memory.count) else { return [] }
            return Array(memory[Int(offset)..<Int(offset) + n])
        }
        var buffer = [UInt8](repeating: 0, count: n)
        let got = buffer.withUnsafeMutableBytes { pread(fd, $0.baseAddress, n, off_t(offset)) }
        return got > 0 ? Array(buffer.prefix(got)) : []
    }
}

/// Executable files seen in mappings, opened as soon as they are mapped (so a
/// file deleted or replaced later is still readable) and parsed once per
/// identity; shared by all recordings of one flamegate process.
public final class ModuleCache: @unchecked Sendable {
    private let lock = NSLock()
    private var descriptors: [String: (fd: Int32, path: String)] = [:]
    private var loaded: [String: LoadedModule?] = [:]
    private var vdsoModule: LoadedModule??
    private var kernelSymbols: KernelSymbols??

    public static let vdsoKey = "[vdso]"

    public init() {}

    /// /proc/kallsyms, read once per cache: reading and parsing it took about
    /// 40 ms, which every recording of a scenario's repetitions paid again.
    /// nil when unreadable.
    public var kernel: KernelSymbols? {
        lock.lock()
        defer { lock.unlock() }
        if let known = kernelSymbols { return known }
        let symbols = try? KernelSymbols.load()
        kernelSymbols = .some(symbols)
        return symbols
    }

    deinit {
        for entry in descriptors.values { close(entry.fd) }
    }


    /// Opens `path` for later reading unless a file with this key is already open.
    public func register(key: String, path: String) {
        lock.lock()
        defer { lock.unlock() }
        guard descriptors[key] == nil, loaded[key] == nil else { return }
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        if fd >= 0 { descriptors[key] = (fd, path) }
    }

    /// The parsed module, or nil when the file could not be read.
    public func module(forKey key: String) -> LoadedModule? {
        lock.lock()
        defer { lock.unlock() }
        if key == Self.vdsoKey { return vdsoLocked() }
        if let cached = loaded[key] { return cached }
        var module: LoadedModule?
        if let entry = descriptors[key] {
            module = Self.load(fd: entry.fd, path: entry.path)
            if module == nil { close(entry.fd) } // else the module keeps it for code reads
            descriptors[key] = nil
        }
        loaded[key] = module
        return module
    }

    private func vdsoLocked() -> LoadedModule? {
        if let cached = vdsoModule { return cached }
        let module = (try? ElfImage.vdso()).map {
            LoadedModule(name: "[vdso]", image: $0.image, symbols: $0.image.symbols, symbolSource: ".dynsym",
                         code: CodeSource(memory: $0.memory))
        }
        vdsoModule = .some(module)
        return module
    }

    /// Parses the file; the module takes ownership of `fd` when it returns one.
    static func load(fd: Int32, path: String) -> LoadedModule? {
        guard let image = try? ElfImage.read(fd: fd, path: path) else { return nil }
        let name = (path as NSString).lastPathComponent
        let code = CodeSource(fd: fd)
        if !image.hasSymtab, let debug = DebugFiles.find(for: image, path: path) {
            return LoadedModule(name: name, image: image, symbols: debug.image.symbols, symbolSource: debug.path,
                                code: code)
        }
        return LoadedModule(name: name, image: image, symbols: image.symbols,
                            symbolSource: image.hasSymtab ? ".symtab" : ".dynsym", code: code)
    }
}
