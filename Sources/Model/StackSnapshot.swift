/// The user registers and the bytes above the stack pointer when a user
/// stack was first seen: enough to unwind frames that keep no frame pointer
/// (optimized libraries such as libc) with their CFI.
public struct StackSnapshot: Sendable, Hashable {
    public var ip: UInt64
    public var sp: UInt64
    public var bp: UInt64
    /// Memory at [sp, sp + stack.count).
    public var stack: [UInt8]

    public init(ip: UInt64, sp: UInt64, bp: UInt64, stack: [UInt8]) {
        self.ip = ip
        self.sp = sp
        self.bp = bp
        self.stack = stack
    }

    /// The 8-byte little-endian word at `address`, when inside the snapshot.
    public func word(at address: UInt64) -> UInt64? {
        guard address >= sp, address - sp <= UInt64(stack.count), address - sp + 8 <= UInt64(stack.count) else {
            return nil
        }
        let i = Int(address - sp)
        var value: UInt64 = 0
        for k in 0..<8 { value |= UInt64(stack[i + k]) << (8 * UInt64(k)) }
        return value
    }
}
