/// The 64-bit FNV-1a hash: stable across runs, processes and machines (unlike
/// `hashValue`), for names that pick a shard, a colour, a seed or a file name.
public enum FNV1a {
    public static func hash<Bytes: Sequence>(_ bytes: Bytes) -> UInt64 where Bytes.Element == UInt8 {
        bytes.reduce(0xcbf2_9ce4_8422_2325) { ($0 ^ UInt64($1)) &* 0x100_0000_01b3 }
    }

    public static func hash(_ text: String) -> UInt64 { hash(text.utf8) }
}
