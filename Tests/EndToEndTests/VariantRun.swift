import Analysis
import Reports
import Foundation
import TestSupport

/// `flamegate run` of one scenario written into a fresh directory, its
/// `VARIANT` against `--base-env VARIANT=good` measured in the same run, with
/// no stored baselines: the bad-versus-good form of a regression test.
enum VariantRun {
    static func run(_ yaml: String, variant: String, in name: String, files: [String: String] = [:],
                    environment extra: [String: String] = [:]) throws
        -> (status: Int32, report: RunReport, output: String) {
        let dir = TestPaths.temporaryDirectory("\(name)-\(variant)")
        for (file, text) in files { try text.write(to: dir.appendingPathComponent(file), atomically: true, encoding: .utf8) }
        try yaml.write(to: dir.appendingPathComponent("s.yaml"), atomically: true, encoding: .utf8)
        let json = dir.appendingPathComponent("results.json")
        var env = ProcessInfo.processInfo.environment
        env["VARIANT"] = variant
        env.merge(extra) { $1 }
        let r = try CLI.run(["run", dir.appendingPathComponent("s.yaml").path, "--base-env", "VARIANT=good",
                             "--baselines", TestPaths.temporaryDirectory("\(name)-no-baselines").path, "--json", json.path,
                             "--no-color"], environment: env)
        let report = try JSONFormat.decoder().decode(RunReport.self, from: Data(contentsOf: json))
        return (r.status, report, r.stdout + r.stderr)
    }
}
