import CZlib
import Foundation
import Model
import Testing
import TestSupport
@testable import Reports

/// The independent pprof reader: Debian's protobuf compiler and Python
/// runtime (python3-protobuf) with the profile.proto that Debian ships in
/// golang-github-google-pprof-dev, all installed by `make deps`.
enum PprofReader {
    static let proto = "/usr/share/gocode/src/github.com/google/pprof/proto/profile.proto"
    static let protoc = "/usr/bin/protoc"
    static let python = "/usr/bin/python3"

    static var available: Bool {
        [proto, protoc, python].allSatisfy { FileManager.default.fileExists(atPath: $0) }
            && (try? Command.run([python, "-c", "import google.protobuf"]))?.status == 0
    }

    static let script = """
        import gzip, json, sys
        sys.path.insert(0, sys.argv[1])
        import profile_pb2
        p = profile_pb2.Profile()
        with gzip.open(sys.argv[2]) as f:
            p.ParseFromString(f.read())
        s = p.string_table
        functions = {f.id: f for f in p.function}
        locations = {l.id: l for l in p.location}
        mappings = {m.id: m for m in p.mapping}
        stacks = {}
        for sample in p.sample:
            labels = {s[l.key]: (s[l.str] if l.str else l.num) for l in sample.label}
            names = [s[functions[locations[i].line[0].function_id].name] for i in sample.location_id]
            key = ";".join([labels["thread"]] + names[::-1])
            stacks[key] = stacks.get(key, 0) + sample.value[0]
        def module(location):
            m = mappings.get(location.mapping_id)
            return s[m.filename] if m else ""
        leaf_modules = sorted({module(locations[x.location_id[0]]) for x in p.sample})
        print(json.dumps({
            "types": [[s[t.type], s[t.unit]] for t in p.sample_type],
            "totals": [sum(x.value[i] for x in p.sample) for i in range(len(p.sample_type))],
            "period": p.period, "periodType": [s[p.period_type.type], s[p.period_type.unit]],
            "default": s[p.default_sample_type], "timeNanos": p.time_nanos, "durationNanos": p.duration_nanos,
            "mappings": sorted([s[m.filename], s[m.build_id], m.has_functions] for m in p.mapping),
            "leafModules": leaf_modules, "stacks": stacks,
            "pids": sorted({l.num for x in p.sample for l in x.label if s[l.key] == "pid"}),
        }))
        """

    struct Decoded: Decodable {
        var types: [[String]]
        var totals: [Int64]
        var period: Int64
        var periodType: [String]
        var `default`: String
        var timeNanos: Int64
        var durationNanos: Int64
        var mappings: [[Mixed]]
        var leafModules: [String]
        var stacks: [String: Int64]
        var pids: [Int64]
    }

    enum Mixed: Decodable, Equatable {
        case text(String), flag(Bool)
        init(from decoder: Decoder) throws {
            let c = try decoder.singleValueContainer()
            if let b = try? c.decode(Bool.self) { self = .flag(b) } else { self = .text(try c.decode(String.self)) }
        }
    }

    /// Writes `data` and decodes it with Python's protobuf.
    static func decode(_ data: Data) throws -> Decoded {
        let dir = TestPaths.temporaryDirectory("pprof")
        defer { try? FileManager.default.removeItem(at: dir) }
        let file = dir.appendingPathComponent("cpu.pb.gz"), reader = dir.appendingPathComponent("read.py")
        try data.write(to: file)
        try script.write(to: reader, atomically: true, encoding: .utf8)
        let protoDir = URL(fileURLWithPath: proto).deletingLastPathComponent().path
        try Command.check([protoc, "--python_out=\(dir.path)", "-I", protoDir, proto])
        let out = try Command.check([python, reader.path, dir.path, file.path]).stdout
        return try JSONDecoder().decode(Decoded.self, from: Data(out.utf8))
    }
}

@Suite struct PprofExportTests {
    @Test func varintsAndFieldsFollowTheWireFormat() {
        // the examples of protobuf.dev's "Encoding" page
        var w = ProtobufWriter()
        w.varint(1)
        w.varint(150)
        w.varint(300)
        #expect(w.bytes == [0x01, 0x96, 0x01, 0xAC, 0x02])
        var field = ProtobufWriter()
        field.uint(1, 150)
        field.string(2, "testing")
        #expect(field.bytes == [0x08, 0x96, 0x01, 0x12, 0x07] + Array("testing".utf8))
        var wide = ProtobufWriter()
        wide.int(1, -1)  // int64 -1: ten bytes
        #expect(wide.bytes == [0x08] + Array(repeating: 0xFF, count: 9) + [0x01])
        var packed = ProtobufWriter()
        packed.packed(4, [3, 270, 86942])
        #expect(packed.bytes == [0x22, 0x06, 0x03, 0x8E, 0x02, 0x9E, 0xA7, 0x05])
        var defaults = ProtobufWriter()
        defaults.uint(1, 0)
        defaults.bool(2, false)
        defaults.packed(3, [])
        #expect(defaults.bytes.isEmpty)
    }

    @Test func sampleTypesFollowTheProfileKind() {
        let cpu = PprofExport.sampleTypes(ProfileFixture.cpu())
        #expect(cpu.map(\.type) == ["samples", "cpu"] && cpu.map(\.unit) == ["count", "nanoseconds"])
        #expect(PprofExport.sampleTypes(ProfileFixture.offCPU()).map(\.type) == ["offcpu"])
        #expect(PprofExport.sampleTypes(Profile(kind: "alloc", unit: .bytes)).map { [$0.type, $0.unit] }
            == [["alloc_space", "bytes"]])
        #expect(PprofExport.sampleTypes(Profile(kind: "cpu", unit: .samples)).map(\.type) == ["samples"])
    }

    @Test func gzipIsAValidDeterministicContainer() throws {
        let bytes = PprofExport.encode(ProfileFixture.cpu())
        let gz = try Gzip.compress(bytes)
        #expect(Array(gz.prefix(3)) == [0x1F, 0x8B, 0x08])  // magic, deflate
        #expect(Array(gz[4..<8]) == [0, 0, 0, 0])  // no timestamp: same bytes every time
        #expect(try Gzip.compress(bytes) == gz)
        #expect(try Self.gunzip(gz) == bytes)
        #expect(gz.count < bytes.count)
    }

    /// Issue 8's acceptance: the file decodes with an independent reader and its totals equal flamegate's.
    @Test(.enabled(if: PprofReader.available,
                   "needs protoc, python3-protobuf and golang-github-google-pprof-dev's profile.proto (make deps)"))
    func decodesWithAnIndependentReader() throws {
        let profile = ProfileFixture.cpu()
        let started = Date(timeIntervalSince1970: 1_700_000_000.25)
        let decoded = try PprofReader.decode(try PprofExport.gzipped(profile, startedAt: started, durationSeconds: 0.5))
        #expect(decoded.types == [["samples", "count"], ["cpu", "nanoseconds"]])
        #expect(decoded.totals == [Int64(profile.total), Int64(profile.total) * 2_004_008])
        #expect(decoded.period == 2_004_008 && decoded.periodType == ["cpu", "nanoseconds"])
        #expect(decoded.default == "cpu")
        #expect(decoded.timeNanos == 1_700_000_000_250_000_000 && decoded.durationNanos == 500_000_000)
        // stacks read back leaf-last match flamegate's own, value for value
        var expected: [String: Int64] = [:]
        for s in profile.samples {
            expected[([s.thread] + s.frames.map { profile.frames[$0].name }).joined(separator: ";"), default: 0]
                += Int64(s.value)
        }
        #expect(decoded.stacks == expected)
        #expect(decoded.mappings == [["[kernel]", "", true], ["app", "", true], ["libc.so.6", "", true],
                                     ["libstdc++.so.6", "", true]].map { $0.map(Self.mixed) })
        #expect(decoded.leafModules == ["[kernel]", "app", "libstdc++.so.6"])
        #expect(decoded.pids == [100])
    }

    @Test(.enabled(if: PprofReader.available,
                   "needs protoc, python3-protobuf and golang-github-google-pprof-dev's profile.proto (make deps)"))
    func offCPUAndTrimmedProfilesDecodeToo() throws {
        let off = try PprofReader.decode(try PprofExport.gzipped(ProfileFixture.offCPU()))
        #expect(off.types == [["offcpu", "nanoseconds"]] && off.totals == [250_000_000] && off.period == 0)
        let trimmed = Profile(trimmed: ProfileFixture.current, kind: "cpu", periodNanoseconds: 1_000_000)
        let decoded = try PprofReader.decode(try PprofExport.gzipped(trimmed))
        #expect(decoded.totals == [Int64(ProfileFixture.current.total), Int64(ProfileFixture.current.total) * 1_000_000])
        #expect(decoded.stacks["parse;main;parse_request;hot_function"] == 526)
        #expect(decoded.stacks["[other];[other]"] == 5)
        #expect(decoded.pids.isEmpty)
    }

    static func mixed(_ value: Any) -> PprofReader.Mixed {
        (value as? Bool).map(PprofReader.Mixed.flag) ?? .text(value as! String)
    }

    /// zlib's inflate with gzip decoding (window bits 15 + 16).
    static func gunzip(_ data: Data) throws -> [UInt8] {
        var stream = z_stream()
        #expect(inflateInit2_(&stream, 15 + 16, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size)) == Z_OK)
        defer { inflateEnd(&stream) }
        var output = [UInt8](repeating: 0, count: 1 << 20)
        let status = Gzip.pump(&stream, [UInt8](data), into: &output) { inflate(&$0, Z_FINISH) }
        #expect(status == Z_STREAM_END)
        return Array(output.prefix(Int(stream.total_out)))
    }
}
