import Foundation
import Model
import Testing
import TestSupport
@testable import Harness

/// `thresholds.ipc`: whether the scenario set it, through files and results.
@Suite struct IPCThresholdTests {
    func load(_ yaml: String) throws -> Scenario {
        let url = TestPaths.temporaryDirectory("ipc").appendingPathComponent("s.yaml")
        try yaml.write(to: url, atomically: true, encoding: .utf8)
        return try ScenarioLoader.load(url).scenario
    }

    @Test func aWrittenThresholdIsRequiredAndADefaultOneIsNot() throws {
        let set = try load("name: x\nrun: {command: [a]}\nthresholds: {ipc: 3%}\n").thresholds
        #expect(set.ipc == 0.03 && set.ipcExplicit && set.requires(.ipc))
        let unset = try load("name: x\nrun: {command: [a]}\n").thresholds
        #expect(unset.ipc == 0.02 && !unset.ipcExplicit && !unset.requires(.ipc))
        #expect(unset.requires(.wallTime) && unset.requires(.ioP99), "other thresholds always must hold")
    }

    @Test func explicitnessSurvivesResultsFiles() throws {
        for yaml in ["name: x\nrun: {command: [a]}\nthresholds: {ipc: 2%}\n", "name: x\nrun: {command: [a]}\n"] {
            let s = try load(yaml)
            let json = try JSONEncoder().encode(s)
            let back = try JSONDecoder().decode(Scenario.self, from: json)
            #expect(back == s)
            #expect(back.thresholds.ipcExplicit == s.thresholds.ipcExplicit)
            #expect(String(decoding: json, as: UTF8.self).contains("\"ipc\"") == s.thresholds.ipcExplicit)
        }
    }

    @Test func anIPCThresholdWithoutThePMUProbeIsAnError() throws {
        let url = TestPaths.temporaryDirectory("ipc").appendingPathComponent("s.yaml")
        try "name: x\nrun: {command: [a]}\nprobes: [cpu]\nthresholds:\n  ipc: 2%\n".write(
            to: url, atomically: true, encoding: .utf8)
        #expect {
            try ScenarioLoader.load(url)
        } throws: { error in
            let e = try #require(error as? ScenarioFileError)
            return e.line == 5 && e.message == "an IPC threshold needs the pmu probe: add pmu to 'probes' or remove "
                + "the threshold"
        }
        #expect(try load("name: x\nrun: {command: [a]}\nprobes: [cpu, pmu]\nthresholds: {ipc: 2%}\n").thresholds.ipcExplicit)
    }
}
