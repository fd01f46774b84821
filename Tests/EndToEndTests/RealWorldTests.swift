import Analysis
import Foundation
import Model
import Reports
import Testing
import TestSupport

/// The real-world suite under `scenarios/real/`: regressions in programs
/// nobody on the team wrote, each bad form against its good form in the same
/// run (as `make demo` runs them), each caught with a culprit a user of that
/// program recognises; the good forms against themselves pass.
@Suite(.serialized, .enabled(if: Privileges.isRoot && CLI.built && FileManager.default.isExecutableFile(atPath: "/usr/bin/sqlite3")
                                 && FileManager.default.isExecutableFile(atPath: "/usr/bin/python3"),
                             "needs root, the built binary, Debian's sqlite3 and python3"))
struct RealWorldTests {
    static func run(variant: String) throws -> (status: Int32, report: RunReport, output: String) {
        let json = TestPaths.temporaryDirectory("real-\(variant)").appendingPathComponent("results.json")
        var env = ProcessInfo.processInfo.environment
        env["VARIANT"] = variant
        let r = try CLI.run(["run", TestPaths.root.appendingPathComponent("scenarios/real").path, "--base-env", "VARIANT=good",
                             "--baselines", TestPaths.temporaryDirectory("real-no-baselines").path, "--json", json.path,
                             "--no-color"], environment: env)
        return (r.status, try JSONFormat.decoder().decode(RunReport.self, from: Data(contentsOf: json)), r.stdout + r.stderr)
    }

    /// Debian's python3's minor version: functools.cached_property holds a
    /// lock per class up to 3.11.
    static let debianPythonMinor: Int = {
        guard let r = try? Command.run(["/usr/bin/python3", "-c", "import sys; print(sys.version_info[1])"]) else { return 0 }
        return Int(r.stdout.trimmingCharacters(in: .whitespacesAndNewlines)) ?? 0
    }()

    /// A lookup by a column without an index: Debian's sqlite3 CLI (stripped)
    /// spends the rise in libsqlite3's virtual machine, named with the CLI's
    /// frame that called it — not `sqlite3+0x…` alone, and once. A diff of
    /// repetitive logs with difflib's autojunk off, an unbounded lru_cache,
    /// cached_property's lock and an asyncio loop spinning, in Debian's python3.
    @Test func badFormsAreCaughtWithTheirCulpritAndGoodFormsPass() throws {
        let bad = try Self.run(variant: "bad")
        #expect(bad.status == 1, "\(bad.output)")
        let sqlite = try #require(bad.report.scenarios.first { $0.name == "sqlite-index" })
        #expect(sqlite.outcome == .regressed)
        let hot = sqlite.findings.filter { $0.kind == .hotspot && $0.severity == .error }
        #expect(hot.first?.function == "sqlite3VdbeExec", "\(hot.map(\.summary))")
        #expect(hot.first?.summary.hasPrefix("sqlite3VdbeExec (libsqlite3.so") == true
                    && hot.first?.summary.contains(" called from sqlite3+0x") == true, "\(hot.map(\.summary))")
        #expect(!hot.contains { $0.function.contains("+0x") || Frame.isEntryRoot($0.function) }, "\(hot.map(\.summary))")
        #expect(Set(hot.map(\.function)).count == hot.count, "one finding per cause: \(hot.map(\.summary))")

        // CPython's difflib without autojunk on a repetitive log: quadratic,
        // named by its Python function in the standard library, not by the
        // interpreter's C functions it runs in
        let difflib = try #require(bad.report.scenarios.first { $0.name == "difflib-autojunk" })
        #expect(difflib.outcome == .regressed)
        let complexity = difflib.findings.first { $0.kind == .complexity }
        #expect(complexity?.function.hasPrefix("SequenceMatcher.find_longest_match (difflib.py:") == true,
                "\(difflib.findings.map(\.summary))")
        #expect(complexity?.callPath.contains { $0.hasPrefix("<module> (compare.py:") } == true, "\(complexity?.callPath ?? [])")

        // functools.lru_cache(maxsize=None): memory held while the service
        // runs and freed at exit, charged to the cached Python function
        let cache = try #require(bad.report.scenarios.first { $0.name == "lrucache-unbounded" })
        #expect(cache.outcome == .regressed)
        let growth = cache.findings.first { $0.kind == .growth && $0.severity == .error }
        #expect(growth?.function.hasPrefix("render_thumbnail (thumbnails.py:") == true, "\(cache.findings.map(\.summary))")
        #expect(growth?.summary.contains("called from serve (thumbnails.py:") == true, "\(growth?.summary ?? "")")
        #expect((growth?.evidence.first { $0.name == "retained_bytes_per_run" }?.value ?? 0) > 100 * 1_048_576,
                "\(growth?.evidence ?? [])")

        // functools.cached_property's class-wide lock held across a key
        // derivation (CPython ≤ 3.11): contention at the Python line taking it
        let lock = try #require(bad.report.scenarios.first { $0.name == "cached-property-lock" })
        if Self.debianPythonMinor <= 11 {
            #expect(lock.outcome == .regressed)
            let contention = lock.findings.first { $0.kind == .contention && $0.severity == .error }
            #expect(contention?.function.hasPrefix("cached_property.__get__ (functools.py:") == true,
                    "\(lock.findings.map(\.summary))")
            #expect(contention?.callPath.contains { $0.hasPrefix("sign_requests (keys.py:") } == true,
                    "\(contention?.callPath ?? [])")
        }

        // asyncio's loop spinning on `await asyncio.sleep(0)`: busy-polling
        // in the event loop's select, CPU time up with wall time flat
        let spin = try #require(bad.report.scenarios.first { $0.name == "asyncio-sleep0-poll" })
        #expect(spin.outcome == .regressed)
        let busy = spin.findings.first { $0.kind == .busyPolling && $0.severity == .error }
        #expect(busy?.function.hasPrefix("EpollSelector.select (selectors.py:") == true, "\(spin.findings.map(\.summary))")
        #expect(busy?.callPath.contains { $0.hasPrefix("BaseEventLoop._run_once (base_events.py:") } == true
                    && busy?.callPath.last == "epoll_wait", "\(busy?.callPath ?? [])")

        let good = try Self.run(variant: "good")
        #expect(good.status == 0, "\(good.output)")
        #expect(good.report.scenarios.allSatisfy { $0.findings.filter { $0.severity == .error }.isEmpty },
                "\(good.report.scenarios.flatMap(\.findings).map(\.summary))")
    }
}
