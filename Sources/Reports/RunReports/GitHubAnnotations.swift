import Analysis
import Model

/// GitHub Actions workflow commands that turn findings into annotations on
/// the pull request, attached to the scenario file (docs.github.com, "Workflow
/// commands for GitHub Actions"):
///
/// - `::error` for a failed scenario and for each regressed gated metric and
///   function of a regressed scenario;
/// - `::warning` for an inconclusive scenario and for each scenario warning
///   (lost data, a baseline from another machine);
/// - `::notice` for improvements and probes that could not run.
///
/// Values are escaped as the Actions toolkit does (`%`, CR and LF in the
/// message; also `:` and `,` in properties), so text from the target can
/// neither end a command early nor forge another one.
public struct GitHubAnnotations: RunReportRenderer {
    public init() {}

    public func render(_ report: RunReport) -> String {
        report.scenarios.flatMap(annotations).joined()
    }

    func annotations(_ s: ScenarioReport) -> [String] {
        var out: [String] = []
        let title = "flamegate: " + s.name
        switch s.outcome {
        case .failed:
            out.append(command("error", s, title: title + " failed", Evidence.summary(s)))
        case .regressed:
            let items = (s.comparison?.metrics.filter { $0.gated && $0.verdict == .regressed }.map(Evidence.metricItem) ?? [])
                + (s.comparison?.functions.filter { $0.gates && $0.verdict == .regressed }.map(Evidence.functionItem) ?? [])
            for item in items.isEmpty ? [Evidence.summary(s)] : items {
                out.append(command("error", s, title: title + " regressed", item))
            }
        case .inconclusive:
            out.append(command("warning", s, title: title + " inconclusive", Evidence.summary(s)))
        case .improved:
            out.append(command("notice", s, title: title + " improved", Evidence.summary(s)))
        case .pass:
            break
        }
        out += s.warnings.map { command("warning", s, title: title, $0) }
        out += s.run.probes.compactMap { p in
            p.unavailable.map { command("notice", s, title: title, "probe \(p.probe.rawValue) unavailable: " + $0) }
        }
        return out
    }

    func command(_ level: String, _ s: ScenarioReport, title: String, _ message: String) -> String {
        "::\(level) file=\(Self.property(s.run.file)),title=\(Self.property(title))::\(Self.data(message))\n"
    }

    /// A message: `%`, CR and LF percent-encoded.
    static func data(_ text: String) -> String { escape(text, also: []) }

    /// A property value: as `data`, plus `:` and `,`.
    static func property(_ text: String) -> String { escape(text, also: [":", ","]) }

    /// `%`, CR and LF, and the `also` characters, percent-encoded.
    private static func escape(_ text: String, also: Set<Unicode.Scalar>) -> String {
        PercentEncoding.encode(text) { c in
            c == "%" || c == "\r" || c == "\n" || also.contains(c) ? PercentEncoding.code(c) : nil
        }
    }
}
