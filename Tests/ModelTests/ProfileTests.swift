import Testing
@testable import Model

@Suite struct ProfileTests {
    /// main -> a -> b (3), main -> b (1), main -> rec -> rec (2)
    static func sample() -> Profile {
        var b = ProfileBuilder(kind: "cpu", unit: .samples, periodNanoseconds: 1_000_000)
        let f = { (name: String) in Frame(name: name, module: "m", kind: .user, resolved: true) }
        let main = b.intern(f("main")), a = b.intern(f("a")), bb = b.intern(f("b")), rec = b.intern(f("rec"))
        b.add(StackSample(pid: 1, tid: 1, thread: "t", frames: [main, a, bb], value: 3))
        b.add(StackSample(pid: 1, tid: 1, thread: "t", frames: [main, bb], value: 1))
        b.add(StackSample(pid: 1, tid: 2, thread: "u", frames: [main, rec, rec], value: 2))
        return b.profile
    }

    @Test func internsFramesOnce() {
        var b = ProfileBuilder(kind: "cpu", unit: .samples)
        let f = Frame(name: "x", module: "m", kind: .user, resolved: true)
        #expect(b.intern(f) == b.intern(f))
        #expect(b.profile.frames.count == 1)
    }

    @Test func selfAndInclusiveCosts() {
        let costs = Dictionary(uniqueKeysWithValues: Self.sample().functionCosts().map { ($0.name, $0) })
        #expect(costs["main"]?.inclusiveValue == 6)
        #expect(costs["main"]?.selfValue == 0)
        #expect(costs["b"]?.selfValue == 4)
        #expect(costs["b"]?.inclusiveValue == 4)
        #expect(costs["a"]?.inclusiveValue == 3)
        #expect(costs["rec"]?.inclusiveValue == 2, "recursion counts once per stack")
        #expect(costs["rec"]?.selfValue == 2)
    }

    @Test func costsSortByInclusiveThenName() {
        #expect(Self.sample().functionCosts().map(\.name) == ["main", "b", "a", "rec"])
    }

    @Test func unresolvedFramesAreWeightedBySamples() {
        var b = ProfileBuilder(kind: "cpu", unit: .samples)
        let ok = b.intern(Frame(name: "f", module: "m", kind: .user, resolved: true))
        let bad = b.intern(Frame(name: "m+0x10", module: "m", kind: .user, resolved: false))
        b.add(StackSample(pid: 1, tid: 1, thread: "t", frames: [ok, bad], value: 3))
        b.add(StackSample(pid: 1, tid: 1, thread: "t", frames: [ok], value: 1))
        #expect(b.profile.frameResolution.frames == 7)
        #expect(b.profile.frameResolution.unresolved == 3)
    }
}
