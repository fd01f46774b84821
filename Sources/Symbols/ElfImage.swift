import CFlamegateBPF
import Foundation

/// Errors of the symbolization layer, naming the file and what failed.
public struct SymbolError: Error, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}

/// One ELF file's loadable segments, identity and function symbols.
public final class ElfImage: Sendable {
    public struct Segment: Sendable {
        public let virtualAddress: UInt64
        public let memorySize: UInt64
        public let fileOffset: UInt64
        public let fileSize: UInt64
    }

    public let buildID: String?
    public let isExecutableType: Bool
    public let segments: [Segment]
    public let symbols: SymbolTable
    /// A full `.symtab` was present (not only exported `.dynsym` names).
    public let hasSymtab: Bool
    public let debugLink: String?

    init(info: UnsafeMutablePointer<fg_elf_info>) {
        let i = info.pointee
        let idLength = Int(i.build_id_len)
        buildID = idLength > 0 ? withUnsafeBytes(of: i.build_id) { raw in
            raw.prefix(idLength).map { String(format: "%02x", $0) }.joined()
        } : nil
        isExecutableType = i.type == 2 // ET_EXEC
        segments = (0..<i.nsegments).map { n in
            let s = i.segments[n]
            return Segment(virtualAddress: s.vaddr, memorySize: s.memsz, fileOffset: s.offset, fileSize: s.filesz)
        }
        let names = i.strings_len > 0
            ? Array(UnsafeBufferPointer(start: UnsafeRawPointer(i.strings).assumingMemoryBound(to: UInt8.self),
                                        count: i.strings_len))
            : []
        let entries: [SymbolTable.Entry] = names.withUnsafeBufferPointer { buffer in
            (0..<i.nsymbols).map { n in
                let s = i.symbols[n]
                let start = Int(s.name)
                var end = start
                while end < buffer.count, buffer[end] != 0 { end += 1 }
                let name = UnsafeBufferPointer(rebasing: buffer[start..<end])
                let weak = s.flags & UInt32(FG_SYM_WEAK) != 0
                let dynamic = s.flags & UInt32(FG_SYM_DYNAMIC) != 0
                return SymbolTable.Entry(address: s.addr, size: s.size, nameOffset: s.name,
                                         rank: SymbolTable.rank(name: name, weak: weak) | (dynamic ? 1 << 25 : 0))
            }
        }
        symbols = SymbolTable(entries: entries, names: names)
        hasSymtab = i.has_symtab != 0
        let link = withUnsafeBytes(of: i.debuglink) { raw in
            String(decoding: raw.prefix(while: { $0 != 0 }), as: UTF8.self)
        }
        debugLink = link.isEmpty ? nil : link
    }

    /// Reads an ELF file from an open descriptor.
    public static func read(fd: Int32, path: String) throws -> ElfImage {
        var info: UnsafeMutablePointer<fg_elf_info>?
        let err = fg_elf_read(fd, 1, &info)
        guard err == 0, let info else {
            throw SymbolError("\(path): not a readable ELF file (\(String(cString: strerror(-err))))")
        }
        defer { fg_elf_free(info) }
        return ElfImage(info: info)
    }

    public static func read(path: String) throws -> ElfImage {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw SymbolError("\(path): \(String(cString: strerror(errno)))") }
        defer { close(fd) }
        return try read(fd: fd, path: path)
    }

    /// The vDSO every process of this kernel maps, read from our own, with the
    /// memory it lives in (mapped for the life of the process).
    public static func vdso() throws -> (image: ElfImage, memory: UnsafeRawBufferPointer) {
        var image: UnsafeRawPointer?
        var size = 0
        var info: UnsafeMutablePointer<fg_elf_info>?
        guard fg_vdso_image(&image, &size) == 0, let image,
              fg_elf_read_memory(image, size, 1, &info) == 0, let info else {
            throw SymbolError("[vdso]: cannot read this process's vDSO image")
        }
        defer { fg_elf_free(info) }
        return (ElfImage(info: info), UnsafeRawBufferPointer(start: image, count: size))
    }

    /// Link-time virtual address of a byte at `offset` in the file, through the
    /// PT_LOAD segment that maps it.
    public func virtualAddress(fileOffset offset: UInt64) -> UInt64? {
        for s in segments where offset >= s.fileOffset && offset < s.fileOffset + max(s.fileSize, 1) {
            return offset - s.fileOffset + s.virtualAddress
        }
        return nil
    }
}
