import Foundation
import Model

/// A profile in pprof's format (github.com/google/pprof, proto/profile.proto:
/// `perftools.profiles.Profile`), gzip-compressed as `*.pb.gz`, for `pprof`,
/// Pyroscope and Parca.
///
/// - One function and one location per interned frame (flamegate resolves
///   frames to names, so locations carry no addresses); a sample lists its
///   locations leaf first, as pprof expects.
/// - One mapping per module name, `has_functions` when a frame in it was
///   resolved. Build-ids are not written: profiles keep module names only.
/// - Sample types by kind: `cpu` → (samples, count) and (cpu, nanoseconds)
///   through `periodNanoseconds`; `offcpu` → (offcpu, nanoseconds); `alloc` →
///   (alloc_space, bytes); any other kind → (kind, its unit).
/// - Labels: `thread` (name), `pid` and `tid` (numbers, when known).
public enum PprofExport {
    /// (type, unit) of each value a sample carries.
    public static func sampleTypes(_ profile: Profile) -> [(type: String, unit: String)] {
        switch profile.unit {
        case .samples:
            let time = profile.periodNanoseconds.map { _ in [(profile.kind == "cpu" ? "cpu" : profile.kind, "nanoseconds")] }
            return [("samples", "count")] + (time ?? [])
        case .nanoseconds: return [(profile.kind, "nanoseconds")]
        case .bytes: return [(profile.kind == "alloc" ? "alloc_space" : profile.kind, "bytes")]
        case .count: return [(profile.kind, "count")]
        }
    }

    /// The gzip-compressed protobuf: what `*.pb.gz` holds.
    public static func gzipped(_ profile: Profile, startedAt: Date? = nil, durationSeconds: Double? = nil) throws -> Data {
        try Gzip.compress(encode(profile, startedAt: startedAt, durationSeconds: durationSeconds))
    }

    /// The uncompressed protobuf message.
    public static func encode(_ profile: Profile, startedAt: Date? = nil, durationSeconds: Double? = nil) -> [UInt8] {
        var strings = StringTable()
        var out = ProtobufWriter()
        let types = sampleTypes(profile)
        for t in types {
            let type = strings[t.type], unit = strings[t.unit]
            out.message(1) { $0.int(1, type); $0.int(2, unit) }
        }
        let period = profile.periodNanoseconds.map { Int64(clamping: $0) }
        let thread = strings["thread"], pid = strings["pid"], tid = strings["tid"]
        for sample in profile.samples where sample.value > 0 {
            out.message(2) { s in
                s.packed(1, sample.frames.reversed().map { UInt64($0 + 1) })
                var values = [Int64(clamping: sample.value)]
                if types.count == 2, let period { values.append(values[0].multipliedReportingOverflow(by: period).partialValue) }
                s.packed(2, values.map { UInt64(bitPattern: $0) })
                let name = strings[sample.thread]
                s.message(3) { $0.int(1, thread); $0.int(2, name) }
                if sample.pid != 0 { s.message(3) { $0.int(1, pid); $0.int(3, Int64(sample.pid)) } }
                if sample.tid != 0 { s.message(3) { $0.int(1, tid); $0.int(3, Int64(sample.tid)) } }
            }
        }
        var modules: [String] = []
        for frame in profile.frames where !frame.module.isEmpty && !modules.contains(frame.module) {
            modules.append(frame.module)
        }
        for (index, module) in modules.enumerated() {
            let resolved = profile.frames.contains { $0.module == module && $0.resolved }
            let filename = strings[module]
            out.message(3) { m in
                m.uint(1, UInt64(index + 1))
                m.int(5, filename)
                m.bool(7, resolved)
            }
        }
        for (index, frame) in profile.frames.enumerated() {
            let mapping = modules.firstIndex(of: frame.module).map { UInt64($0 + 1) } ?? 0
            out.message(4) { l in
                l.uint(1, UInt64(index + 1))
                l.uint(2, mapping)
                l.message(4) { $0.uint(1, UInt64(index + 1)) }
            }
        }
        for (index, frame) in profile.frames.enumerated() {
            let name = strings[frame.name]
            out.message(5) { f in
                f.uint(1, UInt64(index + 1))
                f.int(2, name)
                f.int(3, name)
            }
        }
        if let startedAt {
            // whole seconds and the fraction apart: a double holds nanoseconds since 1970 only to ±256 ns
            let t = startedAt.timeIntervalSince1970, seconds = t.rounded(.down)
            out.int(9, Int64(seconds) * 1_000_000_000 + Int64(((t - seconds) * 1e9).rounded()))
        }
        if let durationSeconds, durationSeconds.isFinite { out.int(10, Int64((durationSeconds * 1e9).rounded())) }
        if types.count == 2, let period {
            let type = strings[types[1].type], unit = strings[types[1].unit]
            out.message(11) { $0.int(1, type); $0.int(2, unit) }
            out.int(12, period)
        }
        out.int(14, strings[types.last!.type])
        for text in strings.texts { out.string(6, text) }
        return out.bytes
    }

    /// pprof's string table: index 0 is the empty string; each text once.
    struct StringTable {
        private(set) var texts = [""]
        private var index: [String: Int64] = ["": 0]

        subscript(text: String) -> Int64 {
            mutating get {
                if let i = index[text] { return i }
                texts.append(text)
                index[text] = Int64(texts.count - 1)
                return Int64(texts.count - 1)
            }
        }
    }
}

extension Profile {
    /// A merged, trimmed profile as a profile of names: thread first as in
    /// folded stacks, frames without modules (`[other]` becomes a frame of its own).
    public init(trimmed: TrimmedProfile, kind: String, periodNanoseconds: UInt64?) {
        var builder = ProfileBuilder(kind: kind, unit: trimmed.unit, periodNanoseconds: periodNanoseconds)
        for stack in trimmed.stacks where !stack.frames.isEmpty {
            let names = stack.frames.count == 1 ? stack.frames : Array(stack.frames.dropFirst())
            let frames = names.map { name in
                builder.intern(name.hasPrefix("[") ? Frame.marker(name)
                               : Frame(name: name, module: "", kind: .user, resolved: true))
            }
            builder.add(StackSample(pid: 0, tid: 0, thread: stack.frames[0], frames: frames, value: stack.value))
        }
        self = builder.profile
    }
}
