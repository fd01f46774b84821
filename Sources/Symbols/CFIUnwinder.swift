import CFlamegateBPF
import Model

/// Unwinds the top of a user stack from a `StackSnapshot` with the mapped
/// files' .eh_frame CFI (x86-64), then joins the frame-pointer chain where it
/// becomes reliable again. This recovers the callers that frame pointers
/// lose inside code built without them (Debian's libc: pthread_mutex_lock's
/// caller, qsort's caller).
struct CFIUnwinder {
    /// DWARF register numbers of the x86-64 psABI.
    static let rsp: Int32 = 7, rbp: Int32 = 6
    static let maxFrames = 64

    /// Finds the module and link-time address of a runtime address.
    let locate: (UInt64) -> (module: LoadedModule, vaddr: UInt64)?

    /// Return addresses found by CFI, leaf's caller first (the leaf is
    /// snapshot.ip). `exactLeaf`: the leaf IP is the interrupted instruction
    /// (a user-mode sample), not a return address.
    func unwind(_ snapshot: StackSnapshot, exactLeaf: Bool) -> [UInt64] {
        #if arch(x86_64)
        var pc = snapshot.ip, sp = snapshot.sp
        var bp: UInt64? = snapshot.bp
        var exact = exactLeaf
        var out: [UInt64] = []
        while out.count < Self.maxFrames {
            let lookup = exact ? pc : pc &- 1
            guard let (module, vaddr) = locate(lookup), let rules = module.unwindRules(atVirtualAddress: vaddr) else {
                break
            }
            let base: UInt64
            switch rules.cfa_register {
            case Self.rsp: base = sp
            case Self.rbp:
                guard let bp else { return out }
                base = bp
            default: return out
            }
            let cfa = base &+ UInt64(bitPattern: rules.cfa_offset)
            guard rules.return_address.kind == Int32(FG_CFI_AT_CFA.rawValue),
                  let ra = snapshot.word(at: cfa &+ UInt64(bitPattern: rules.return_address.offset)), ra != 0 else {
                break
            }
            switch Int32(rules.frame_pointer.kind) {
            case Int32(FG_CFI_SAME.rawValue): break
            case Int32(FG_CFI_AT_CFA.rawValue):
                bp = snapshot.word(at: cfa &+ UInt64(bitPattern: rules.frame_pointer.offset))
            default: bp = nil
            }
            out.append(ra)
            pc = ra
            sp = cfa
            exact = rules.signal_frame != 0
        }
        return out
        #else
        return []
        #endif
    }

    /// The CFI frames, then the frame-pointer chain from the last return
    /// address both agree on; when they share none, the chain's frames after
    /// its leaf follow the CFI frames.
    static func splice(cfi: [UInt64], framePointer: [UInt64]) -> [UInt64] {
        guard let leaf = framePointer.first else { return cfi }
        let chain = framePointer.dropFirst()
        for (i, address) in cfi.enumerated().reversed() {
            if let j = chain.firstIndex(of: address) {
                return [leaf] + cfi[...i] + chain[(j + 1)...]
            }
        }
        return [leaf] + cfi + chain
    }
}
