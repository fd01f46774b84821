import Foundation
import Model
import Testing
import TestSupport
@testable import Harness
@testable import Probes

/// The generic object loader the offcpu, sched and io probes are driven
/// through (`fg_object.h`): its errors name what was wrong, and what Swift
/// sets before load is what the kernel side runs with.
@Suite(.serialized, .enabled(if: Privileges.isRoot, "needs root to load BPF programs (CI runs as root)"))
struct BPFObjectTests {
    static func message(_ body: () throws -> Void) -> String {
        do { try body() } catch { return "\(error)" }
        return "no error"
    }

    @Test func unknownProgramsGlobalsAndMapsAreNamed() throws {
        #expect(Self.message { _ = try BPFObject("nosuch") }.contains("nosuch.bpf.c"))
        let object = try BPFObject("offcpu")
        let global = Self.message { try object.set("no_such_global", UInt64(1)) }
        #expect(global.contains("no_such_global") && global.contains("offcpu.bpf.c"), "\(global)")
        // min_block_ns is a __u64: a 4-byte value is refused, not written over half of it
        let size = Self.message { try object.set("min_block_ns", UInt32(1)) }
        #expect(size.contains("min_block_ns") && size.contains("Invalid argument"), "\(size)")
        #expect(Self.message { try object.resize("no_such_map", to: 8) }.contains("no_such_map"))
        #expect(Self.message { try object.leaveOut("no_such_program") }.contains("no_such_program"))
    }

    static func sleptUnderHoldLock(minimumBlock: UInt64) throws -> Double {
        let dir = TestPaths.temporaryDirectory("bpfobject")
        let spec = LaunchSpec(command: [try Fixtures.c("mutex_sleep").path, "200"],
                              stdoutPath: dir.appendingPathComponent("out").path,
                              stderrPath: dir.appendingPathComponent("err").path)
        var options = RecordOptions(launch: spec, probes: [.offcpu], probesExplicit: true, timeoutSeconds: 60)
        options.minimumBlockNanoseconds = minimumBlock
        let off = try #require(try Recorder().record(options).profile("offcpu"))
        return WaitProbesTests.blocked(off, under: "hold_lock")
    }

    /// `min_block_ns` set from Swift drops the 10 ms sleeps in the kernel.
    @Test func aGlobalSetBeforeLoadIsWhatTheKernelSideRunsWith() throws {
        let all = try Self.sleptUnderHoldLock(minimumBlock: 0)
        let long = try Self.sleptUnderHoldLock(minimumBlock: 50_000_000)
        #expect(all > 0.15e9, "~20 sleeps of 10 ms recorded: \(all / 1e6) ms")
        #expect(long == 0, "sleeps of 10 ms are shorter than 50 ms: \(long / 1e6) ms recorded")
    }
}
