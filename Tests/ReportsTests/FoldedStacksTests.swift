import Foundation
import Testing
@testable import Model
@testable import Reports

@Suite struct FoldedStacksTests {
    static func profile() -> Profile {
        var b = ProfileBuilder(kind: "cpu", unit: .samples)
        let main = b.intern(Frame(name: "main", module: "app", kind: .user, resolved: true))
        let odd = b.intern(Frame(name: "ns;name with space", module: "app", kind: .user, resolved: true))
        let sys = b.intern(Frame(name: "do_syscall_64", module: "[kernel]", kind: .kernel, resolved: true))
        b.add(StackSample(pid: 1, tid: 1, thread: "app", frames: [main, odd], value: 2))
        b.add(StackSample(pid: 1, tid: 2, thread: "app", frames: [main, odd], value: 3))
        b.add(StackSample(pid: 1, tid: 1, thread: "app", frames: [main, sys], value: 1))
        b.add(StackSample(pid: 1, tid: 3, thread: "", frames: [], value: 4))
        b.add(StackSample(pid: 1, tid: 3, thread: "zero", frames: [main], value: 0))
        return b.profile
    }

    @Test func matchesGoldenFile() throws {
        let golden = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("Snapshots/cpu.folded")
        #expect(FoldedStacks.render(Self.profile()) == (try String(contentsOf: golden, encoding: .utf8)))
    }

    @Test func parsesWhatItRenders() {
        let parsed = FoldedStacks.parse(FoldedStacks.render(Self.profile()))
        #expect(parsed.count == 3)
        #expect(parsed.map(\.count).reduce(0, +) == 10)
        #expect(parsed.first { $0.stack.last == "ns:name with space" }?.count == 5)
    }
}
