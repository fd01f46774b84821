import Analysis
import Foundation
import Model
import Testing
import TestSupport
import Output
@testable import Reports

/// The files `record -o DIR` and `run --output DIR` leave, and the CI texts:
/// GitHub annotations and the Markdown link to the HTML report.
@Suite struct ArtifactWriterTests {
    static func names(_ urls: [URL]) -> [String] { urls.map(\.lastPathComponent) }

    @Test func recordingWritesEveryArtifact() throws {
        let dir = TestPaths.temporaryDirectory("artifacts-record")
        defer { try? FileManager.default.removeItem(at: dir) }
        let recording = ProfileFixture.recording()
        let written = try ArtifactWriter.writeRecording(recording, to: dir)
        #expect(Self.names(written) == ["cpu.folded", "cpu.svg", "cpu.pb.gz", "offcpu.folded", "offcpu.svg",
                                        "offcpu.pb.gz", "profile.json", "report.html"])
        for url in written {
            let data = try Data(contentsOf: url)
            #expect(!data.isEmpty, "\(url.lastPathComponent) is empty")
        }
        #expect(try String(contentsOf: dir.appendingPathComponent("cpu.folded"), encoding: .utf8)
            == FoldedStacks.render(recording.profiles[0]))
        let json = try Data(contentsOf: dir.appendingPathComponent("profile.json"))
        #expect(try JSONFormat.decoder().decode(Recording.self, from: json).profiles.map(\.total) == [100, 250_000_000])
        // nothing but the artifacts: no temporary files left behind
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path).sorted() == Self.names(written).sorted())
    }

    @Test func runWritesTheReportAndPerScenarioGraphs() throws {
        let dir = TestPaths.temporaryDirectory("artifacts-run")
        defer { try? FileManager.default.removeItem(at: dir) }
        let written = try ArtifactWriter.writeRun(ProfileFixture.runReport(), to: dir)
        #expect(Self.names(written) == [
            "report.html",
            "parse-request.cpu.svg", "parse-request.cpu-diff.svg", "parse-request.cpu-diff-baseline.svg",
            "parse-request.cpu.pb.gz", "parse-request.cpu.folded",
            "sort-items-8000.cpu.svg", "sort-items-8000.cpu.pb.gz", "sort-items-8000.cpu.folded",
        ])
        let folded = try String(contentsOf: dir.appendingPathComponent("parse-request.cpu.folded"), encoding: .utf8)
        #expect(folded.contains("parse;main;parse_request;hot_function 526\n"))
        #expect(folded.hasPrefix("[other] 5\n"))
        let svg = try String(contentsOf: dir.appendingPathComponent("parse-request.cpu-diff.svg"), encoding: .utf8)
        #expect(svg.hasPrefix("<?xml") && svg.contains("<script"))
    }

    @Test func fileNamesStayInTheDirectory() {
        #expect(Artifacts.fileName("parse-request") == "parse-request")
        #expect(Artifacts.fileName("a/b c:d") == "a_b_c_d")
        #expect(Artifacts.fileName("../etc") == "_.._etc")
        #expect(Artifacts.fileName("") == "_")
        #expect(Artifacts.fileName("réseau") == "r_seau")
    }

    @Test func markdownLinksTheHTMLReport() {
        let report = RunReportFixture.report()
        let md = MarkdownReport(htmlReportURL: "https://ci.example/artifacts/report <1>.html").render(report)
        #expect(md.contains("(1 of 5 scenarios)\n\n5 scenarios: 1 FAILED, 1 REGRESSED, 2 INCONCLUSIVE, 1 PASS\n\n"
            + "[HTML report with flame graphs](<https://ci.example/artifacts/report%20%3C1%3E.html>)\n\n| scenario |"))
        #expect(!MarkdownReport().render(report).contains("HTML report"))
    }
}

@Suite struct GitHubAnnotationsTests {
    @Test func findingsBecomeAnnotationsOnTheScenarioFile() {
        let lines = GitHubAnnotations().render(RunReportFixture.report()).split(separator: "\n").map(String.init)
        #expect(lines == [
            "::error file=scenarios/parse.yaml,title=flamegate%3A parse-request regressed::wall_time ratio 1.103 [1.082, 1.125]",
            "::error file=scenarios/parse.yaml,title=flamegate%3A parse-request regressed::function `hot_function` +2.5 pp, +101.0 ms/run",
            "::warning file=scenarios/parse.yaml,title=flamegate%3A parse-request::lost data: cpu.dropped_samples = 12 over 10 runs",
            "::error file=scenarios/crash.yml,title=flamegate%3A crash failed::exit failure: exit code 2, expected 0 | `parse` aborted",
            "::warning file=scenarios/alloc-heavy.yaml,title=flamegate%3A alloc-heavy inconclusive::inconclusive: "
                + "wall_time (size 1000) ratio 1.040 [0.990, 1.090]; ipc (size 1000): unavailable: no PMU",
            "::warning file=scenarios/alloc-heavy.yaml,title=flamegate%3A alloc-heavy::baseline recorded on a different "
                + "machine (cores 8 → 4): timings may not be comparable; update the baseline on this kind of machine",
            "::notice file=scenarios/alloc-heavy.yaml,title=flamegate%3A alloc-heavy::probe pmu unavailable: no hardware PMU",
            "::warning file=new.yaml,title=flamegate%3A new-scenario inconclusive::not compared with a baseline",
            "::warning file=new.yaml,title=flamegate%3A new-scenario::no baseline to compare with",
        ])
    }

    @Test func textCannotEndOrForgeACommand() {
        #expect(GitHubAnnotations.data("50% done\r\n::error::forged") == "50%25 done%0D%0A::error::forged")
        #expect(GitHubAnnotations.property("a,b:c%\n") == "a%2Cb%3Ac%25%0A")
    }
}
