import Model

/// Python frames into a native stack, as `py-spy --native` shows them: each
/// C call of CPython's evaluation loop (`_PyEval_EvalFrameDefault`) runs a
/// run of Python frames, which go right above it; the native frames the
/// Python code called stay above them.
public enum PythonFrames {
    /// Bit 0 of an encoded frame: the first frame of a C call of the loop
    /// (`FG_PY_FRAME_ENTRY`).
    public static let entryBit: UInt64 = 1

    public struct Frame: Sendable, Equatable {
        public var frame: Model.Frame
        /// The outermost frame of its C call.
        public var entry: Bool
        public init(frame: Model.Frame, entry: Bool) {
            self.frame = frame
            self.entry = entry
        }
    }

    /// The evaluation loop's native frame, by version: 3.11 to 3.13.
    public static let evaluationLoop: Set<String> = ["_PyEval_EvalFrameDefault"]

    /// A code object as a frame: `dedupe (app.py:12)`, the line where the
    /// function is defined.
    public static func frame(name: String, file: String, line: Int) -> Model.Frame {
        let base = file.split(separator: "/").last.map(String.init) ?? file
        let place = line > 0 ? "\(base):\(line)" : base
        return Model.Frame(name: "\(name.isEmpty ? "?" : name) (\(place))", module: Model.Frame.pythonModule,
                           kind: .user, resolved: !name.isEmpty)
    }

    /// `native` root first, `python` innermost first. Runs of Python frames
    /// (split after each entry frame) go above the evaluation-loop frames,
    /// innermost run above the innermost loop frame; runs left over (a native
    /// stack cut short) go above the outermost loop frame, or at the root.
    /// Frames a perf map named (`jit_maps`) are dropped: these are exact.
    public static func splice(native: [Model.Frame], python: [Frame]) -> [Model.Frame] {
        var runs: [[Model.Frame]] = [] // innermost run first, each outermost frame first
        var current: [Model.Frame] = []
        for f in python {
            current.insert(f.frame, at: 0)
            if f.entry {
                runs.append(current)
                current = []
            }
        }
        if !current.isEmpty { runs.append(current) }
        let frames = native.filter { $0.module != Model.Frame.pythonModule }
        let loops = frames.indices.filter { frames[$0].kind == .user && evaluationLoop.contains(frames[$0].name) }
        var insertions: [Int: [Model.Frame]] = [:] // after native index (-1: at the root)
        for (k, run) in runs.enumerated() {
            if k < loops.count {
                insertions[loops[loops.count - 1 - k], default: []] = run
            } else {
                let at = loops.first ?? -1
                insertions[at] = run + (insertions[at] ?? [])
            }
        }
        var out: [Model.Frame] = insertions[-1] ?? []
        out.reserveCapacity(frames.count + python.count)
        for (i, f) in frames.enumerated() {
            out.append(f)
            if let run = insertions[i] { out += run }
        }
        return out
    }
}
