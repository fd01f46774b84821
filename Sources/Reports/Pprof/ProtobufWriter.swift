/// The part of the protocol-buffers wire format (protobuf.dev, "Encoding")
/// that writing pprof's profile.proto needs: varints (wire type 0) and
/// length-delimited fields (wire type 2: strings, nested messages and packed
/// repeated integers). Write-only and hand-written, so builds need neither
/// swift-protobuf nor generated code. Fields holding their default value are
/// omitted, as proto3 encoders do.
struct ProtobufWriter {
    private(set) var bytes: [UInt8] = []

    mutating func varint(_ value: UInt64) {
        var v = value
        while v >= 0x80 {
            bytes.append(UInt8(v & 0x7f) | 0x80)
            v >>= 7
        }
        bytes.append(UInt8(v))
    }

    private mutating func key(_ field: Int, wireType: UInt64) {
        varint(UInt64(field) << 3 | wireType)
    }

    /// A uint64 field; omitted when 0.
    mutating func uint(_ field: Int, _ value: UInt64) {
        guard value != 0 else { return }
        key(field, wireType: 0)
        varint(value)
    }

    /// An int64 field (two's complement varint, so negatives take ten bytes); omitted when 0.
    mutating func int(_ field: Int, _ value: Int64) {
        uint(field, UInt64(bitPattern: value))
    }

    /// A bool field; omitted when false.
    mutating func bool(_ field: Int, _ value: Bool) {
        uint(field, value ? 1 : 0)
    }

    /// Length-delimited bytes; written even when empty (a repeated string must keep its place).
    mutating func bytes(_ field: Int, _ content: [UInt8]) {
        key(field, wireType: 2)
        varint(UInt64(content.count))
        bytes.append(contentsOf: content)
    }

    mutating func string(_ field: Int, _ text: String) {
        bytes(field, Array(text.utf8))
    }

    mutating func message(_ field: Int, _ build: (inout ProtobufWriter) -> Void) {
        var nested = ProtobufWriter()
        build(&nested)
        bytes(field, nested.bytes)
    }

    /// A packed repeated integer field; omitted when empty.
    mutating func packed(_ field: Int, _ values: [UInt64]) {
        guard !values.isEmpty else { return }
        var nested = ProtobufWriter()
        for v in values { nested.varint(v) }
        bytes(field, nested.bytes)
    }
}
