import CZlib
import Foundation

/// gzip (RFC 1952) through the system's zlib, for `*.pb.gz`: pprof files
/// are gzip-compressed protobuf by convention, and the profiles compress
/// about tenfold. zlib writes the container itself (window bits 15 + 16) with
/// a zero timestamp, so the same input always gives the same bytes.
public enum Gzip {
    struct Failure: Error, CustomStringConvertible {
        var code: Int32
        var description: String { "zlib deflate failed with code \(code)" }
    }

    static func compress(_ input: [UInt8], level: Int32 = 6) throws -> Data {
        var stream = z_stream()
        let initialized = deflateInit2_(&stream, level, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY, ZLIB_VERSION,
                                        Int32(MemoryLayout<z_stream>.size))
        guard initialized == Z_OK else { throw Failure(code: initialized) }
        defer { deflateEnd(&stream) }
        var output = [UInt8](repeating: 0, count: Int(deflateBound(&stream, uLong(input.count))) + 32)
        let status = Self.pump(&stream, input, into: &output) { deflate(&$0, Z_FINISH) }
        guard status == Z_STREAM_END else { throw Failure(code: status) }
        return Data(output.prefix(Int(stream.total_out)))
    }

    /// Runs one zlib `step` (deflate or inflate) over all of `input` into
    /// `output` on an initialized stream; its status. `total_out` says how
    /// much of `output` was written.
    public static func pump(_ stream: inout z_stream, _ input: [UInt8], into output: inout [UInt8],
                            _ step: (inout z_stream) -> Int32) -> Int32 {
        var input = input
        return input.withUnsafeMutableBufferPointer { source in
            output.withUnsafeMutableBufferPointer { target in
                stream.next_in = source.baseAddress
                stream.avail_in = uInt(source.count)
                stream.next_out = target.baseAddress
                stream.avail_out = uInt(target.count)
                return step(&stream)
            }
        }
    }
}
