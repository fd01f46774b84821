import Model
import Testing
@testable import Symbols

@Suite struct PerfMapTests {
    @Test func findsTheRangeHoldingAnAddress() {
        let map = PerfMap(text: """
            7fbde00e1000 b py::_find_and_load:<frozen importlib._bootstrap>
            7fbde00e17bc b py::dedupe:/tmp/app/quad.py
            """)
        #expect(map.count == 2)
        #expect(map.name(at: 0x7fbde00e17bc) == "py::dedupe:/tmp/app/quad.py")
        #expect(map.name(at: 0x7fbde00e17c6) == "py::dedupe:/tmp/app/quad.py")
        #expect(map.name(at: 0x7fbde00e17c7) == nil, "one past the range's end")
        #expect(map.name(at: 0x7fbde00e0fff) == nil)
        #expect(map.name(at: 0x7fbde00e100b) == nil, "between two ranges")
    }

    @Test func aRangeWrittenLaterReplacesTheOneItOverlaps() {
        // V8 moves code and writes the new occupant of an address range
        let map = PerfMap(text: """
            1000 100 JS:~old /a.js:1:1
            1040 10 JS:*new /a.js:9:1
            2000 10 JS:~kept /a.js:20:1
            """)
        #expect(map.name(at: 0x1045) == "JS:*new /a.js:9:1")
        #expect(map.name(at: 0x1000) == nil, "the overlapped older range is dropped")
        #expect(map.name(at: 0x2005) == "JS:~kept /a.js:20:1")
    }

    @Test func malformedLinesAreCountedNotGuessed() {
        let map = PerfMap(text: "1000 10 ok\nnot a line\n2000 zz bad size\n3000 0 empty\n")
        #expect(map.count == 1)
        #expect(map.malformedLines == 3)
    }

    @Test func pythonFramesNameTheFunctionAndItsFile() {
        let f = PerfMap.frame("py::Cache.lookup:/srv/app/cache.py")
        #expect(f.name == "Cache.lookup (cache.py)")
        #expect(f.module == Frame.pythonModule && f.resolved && f.isScriptCode)
        #expect(PerfMap.frame("py::<module>:<frozen importlib._bootstrap>").name
            == "<module> (<frozen importlib._bootstrap>)")
    }

    @Test func javaScriptTiersFoldIntoOneFrame() {
        let interpreted = PerfMap.frame("JS:~fib /tmp/hot.js:1:13")
        let optimized = PerfMap.frame("JS:*fib /tmp/hot.js:1:13")
        #expect(interpreted == optimized)
        #expect(interpreted.name == "fib (hot.js:1)" && interpreted.module == Frame.javaScriptModule)
        #expect(PerfMap.frame("LazyCompile:*parse /srv/x.js:40").name == "parse (x.js:40)")
        #expect(PerfMap.frame("JS:~ /tmp/hot.js:3:1").name == "(anonymous) (hot.js:3)")
        #expect(PerfMap.frame("JS:^run node:internal/main/run_main_module:23:47").name
            == "run (run_main_module:23)", "node's own modules by their last path part")
    }

    @Test func otherGeneratedCodeKeepsItsNameAndIsNotTheScript() {
        let builtin = PerfMap.frame("Builtin:ArrayPrototypePush")
        #expect(builtin.name == "ArrayPrototypePush" && builtin.module == Frame.jitModule && !builtin.isScriptCode)
        #expect(PerfMap.frame("Stub:CEntry").name == "Stub:CEntry")
        #expect(PerfMap.frame("Lcom/example/Foo;.bar()V").name == "Lcom/example/Foo;.bar()V")
    }
}
