import Foundation
import Testing
import TestSupport

/// What a user without the needed rights or kernel features sees.
@Suite(.enabled(if: Privileges.isRoot && CLI.built, "needs root (to drop privileges) and the built binary"))
struct EnvironmentTests {
    @Test func notRootIsOneSentenceAndExitTwo() throws {
        let r = try Command.run(["/usr/bin/setpriv", "--reuid=65534", "--regid=65534", "--clear-groups",
                                 "--inh-caps=-all", TestPaths.flamegate.path, "record", "--", "/bin/true"])
        #expect(r.status == 2, "\(r.stdout) \(r.stderr)")
        let lines = r.stderr.split(separator: "\n")
        #expect(lines.count == 1)
        #expect(r.stderr.contains("root"), "\(r.stderr)")
    }

    @Test func missingBTFIsOneSentenceAndExitTwo() throws {
        var env = ProcessInfo.processInfo.environment
        env["FLAMEGATE_BTF"] = "/nonexistent/vmlinux"
        let r = try CLI.run(["record", "--", "/bin/true"], environment: env)
        #expect(r.status == 2)
        #expect(r.stderr == "flamegate: error: cannot record: BTF unavailable: FLAMEGATE_BTF=/nonexistent/vmlinux: no such file\n")
    }

    @Test func doctorListsEveryCapability() throws {
        let r = try CLI.run(["doctor"])
        #expect(r.status == 0, "\(r.stdout)")
        for name in ["root/capabilities", "BTF", "bpf()", "tp_btf sys_enter", "uprobes", "perf cpu-clock",
                     "hardware PMU", "kprobes", "fentry"] {
            #expect(r.stdout.contains(name), "doctor mentions \(name)")
        }
        let lines = r.stdout.split(separator: "\n")
        #expect(lines.first { $0.hasPrefix("BTF") }?.hasSuffix("ok") == true)
        #expect(lines.first { $0.hasPrefix("perf cpu-clock") }?.hasSuffix("ok") == true)
        // on machines without a PMU the line says why, never just a blank or zero
        if let pmu = lines.first(where: { $0.hasPrefix("hardware PMU") }), !pmu.hasSuffix("ok") {
            #expect(pmu.contains("unavailable: "))
        }
    }

    @Test func doctorAsNobodyExitsTwo() throws {
        let r = try Command.run(["/usr/bin/setpriv", "--reuid=65534", "--regid=65534", "--clear-groups",
                                 "--inh-caps=-all", TestPaths.flamegate.path, "doctor"])
        #expect(r.status == 2)
        #expect(r.stdout.contains("root/capabilities  unavailable"))
    }
}
