import Foundation

/// Kernel text symbols from /proc/kallsyms (addresses are real only for root
/// or with kernel.kptr_restrict=0; all-zero addresses mean they are hidden).
public struct KernelSymbols: Sendable {
    private let table: SymbolTable
    private let modules: [(start: UInt64, name: String)]
    public let available: Bool

    public init(kallsyms text: [UInt8]) {
        var entries: [SymbolTable.Entry] = []
        var names: [UInt8] = []
        var modules: [(UInt64, String)] = []
        var lastModule = ""
        var nonZero = false
        entries.reserveCapacity(text.count / 40)
        names.reserveCapacity(text.count / 2)
        text.withUnsafeBufferPointer { buf in
            var i = 0
            let n = buf.count
            while i < n {
                // "ffffffff81000000 T _stext [module]\n"
                var address: UInt64 = 0
                while i < n, let digit = hexValue(buf[i]) {
                    address = address << 4 | UInt64(digit)
                    i += 1
                }
                guard i + 3 < n, buf[i] == UInt8(ascii: " ") else {
                    while i < n, buf[i] != UInt8(ascii: "\n") { i += 1 }
                    i += 1
                    continue
                }
                let type = buf[i + 1] | 0x20 // lower-case
                i += 3
                let nameStart = i
                while i < n, buf[i] != UInt8(ascii: " "), buf[i] != UInt8(ascii: "\t"), buf[i] != UInt8(ascii: "\n") {
                    i += 1
                }
                let nameEnd = i
                var module = ""
                if i < n, buf[i] != UInt8(ascii: "\n") {
                    while i < n, buf[i] == UInt8(ascii: " ") || buf[i] == UInt8(ascii: "\t") { i += 1 }
                    if i < n, buf[i] == UInt8(ascii: "[") {
                        let start = i
                        while i < n, buf[i] != UInt8(ascii: "]") { i += 1 }
                        module = String(decoding: buf[start...min(i, n - 1)], as: UTF8.self)
                    }
                }
                while i < n, buf[i] != UInt8(ascii: "\n") { i += 1 }
                i += 1
                guard type == UInt8(ascii: "t") || type == UInt8(ascii: "w") else { continue }
                if address != 0 { nonZero = true }
                if module != lastModule {
                    modules.append((address, module))
                    lastModule = module
                }
                let name = UnsafeBufferPointer(rebasing: buf[nameStart..<nameEnd])
                entries.append(SymbolTable.Entry(address: address, size: 0, nameOffset: UInt32(names.count),
                                                 rank: SymbolTable.rank(name: name, weak: type == UInt8(ascii: "w"))))
                names.append(contentsOf: name)
                names.append(0)
            }
        }
        self.table = SymbolTable(entries: entries, names: names)
        self.modules = modules.sorted { $0.0 < $1.0 }
        self.available = nonZero
    }

    /// Reads /proc/kallsyms.
    public static func load(path: String = "/proc/kallsyms") throws -> KernelSymbols {
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw SymbolError("\(path): cannot open (\(String(cString: strerror(errno))))")
        }
        defer { try? handle.close() }
        let data = (try? handle.readToEnd()) ?? Data()
        return KernelSymbols(kallsyms: [UInt8](data))
    }

    public func lookup(_ address: UInt64) -> (name: String, module: String, offset: UInt64)? {
        guard available, let hit = table.lookup(address) else { return nil }
        return (hit.name, module(containing: address), hit.offset)
    }

    private func module(containing address: UInt64) -> String {
        var low = 0, high = modules.count
        while low < high {
            let mid = (low + high) / 2
            if modules[mid].start <= address { low = mid + 1 } else { high = mid }
        }
        let name = low > 0 ? modules[low - 1].name : ""
        return name.isEmpty ? "[kernel]" : name
    }
}

private func hexValue(_ c: UInt8) -> UInt8? {
    switch c {
    case UInt8(ascii: "0")...UInt8(ascii: "9"): return c - UInt8(ascii: "0")
    case UInt8(ascii: "a")...UInt8(ascii: "f"): return c - UInt8(ascii: "a") + 10
    case UInt8(ascii: "A")...UInt8(ascii: "F"): return c - UInt8(ascii: "A") + 10
    default: return nil
    }
}
