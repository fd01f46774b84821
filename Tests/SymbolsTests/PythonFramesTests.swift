import Model
import Testing
@testable import Symbols

@Suite struct PythonFramesTests {
    func native(_ names: [String]) -> [Frame] {
        names.map { Frame(name: $0, module: $0.hasPrefix("_") ? "libpython3.12.so.1.0" : "python3.12", kind: .user, resolved: true) }
    }

    func py(_ name: String, entry: Bool = false) -> PythonFrames.Frame {
        .init(frame: PythonFrames.frame(name: name, file: "/srv/app.py", line: 3), entry: entry)
    }

    @Test func aCodeObjectIsNamedWithItsFileAndFirstLine() {
        let f = PythonFrames.frame(name: "Cache.get", file: "/srv/app/cache.py", line: 41)
        #expect(f.name == "Cache.get (cache.py:41)" && f.module == Frame.pythonModule && f.resolved)
        #expect(PythonFrames.frame(name: "", file: "x.py", line: 0).resolved == false)
    }

    /// The two ways of telling a script's frame — by its module, by the shape
    /// of its folded name — agree on every frame this module writes (a file
    /// without an extension needs its line to be told by shape).
    @Test func aScriptFrameIsOneByModuleAndByName() {
        let files = ["/srv/app.py", "/usr/bin/lsb_release", "<string>", "<stdin>", "<frozen importlib._bootstrap>",
                     "/usr/lib/python3.11/functools.py", "/opt/tool:v2/run.py"]
        for file in files {
            for line in [1, 812] {
                let f = PythonFrames.frame(name: "Cache.get", file: file, line: line)
                #expect(f.isScriptCode == Frame.looksLikeScriptFrame(f.name), "\(f.name)")
                #expect(f.isScriptCode == !file.hasPrefix("<frozen"), "\(f.name)")
            }
        }
        let js = PerfMap.frame("JS:*fib /app/hot.js:3:13")
        #expect(js.isScriptCode && Frame.looksLikeScriptFrame(js.name), "\(js.name)")
    }

    @Test func eachRunGoesAboveItsEvaluationLoopFrame() {
        // <module> → main run in the outer C call; a callback entered from C
        // (sorted's key) runs in the inner one
        let stack = native(["_start", "Py_RunMain", "_PyEval_EvalFrameDefault", "builtin_sorted", "_PyEval_EvalFrameDefault",
                            "list_contains"])
        let out = PythonFrames.splice(native: stack, python: [py("key"), py("sort_all", entry: true), py("main"),
                                                                py("<module>", entry: true)])
        #expect(out.map(\.name) == ["_start", "Py_RunMain", "_PyEval_EvalFrameDefault", "<module> (app.py:3)",
                                    "main (app.py:3)", "builtin_sorted", "_PyEval_EvalFrameDefault",
                                    "sort_all (app.py:3)", "key (app.py:3)", "list_contains"])
    }

    @Test func runsWithoutALoopFrameGoAboveTheOutermostOne() {
        // the native stack was cut: one loop frame for two runs
        let stack = native(["_PyEval_EvalFrameDefault", "list_contains"])
        let out = PythonFrames.splice(native: stack, python: [py("inner", entry: true), py("outer", entry: true)])
        #expect(out.map(\.name) == ["_PyEval_EvalFrameDefault", "outer (app.py:3)", "inner (app.py:3)", "list_contains"])
    }

    @Test func perfMapFramesGiveWayToTheWalkedOnes() {
        var stack = native(["_start", "_PyEval_EvalFrameDefault"])
        stack.insert(Frame(name: "main (app.py)", module: Frame.pythonModule, kind: .user, resolved: true), at: 1)
        let out = PythonFrames.splice(native: stack, python: [py("main", entry: true)])
        #expect(out.map(\.name) == ["_start", "_PyEval_EvalFrameDefault", "main (app.py:3)"])
    }
}
