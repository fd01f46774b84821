import Foundation
import Testing
import TestSupport
@testable import Harness

/// What a killed flamegate left in the temporary directory is removed by the
/// next one — only that: a live process's directories and other files stay.
@Suite struct StaleScratchTests {
    @Test func removesOnlyTheDirectoriesOfProcessesThatAreGone() throws {
        let dir = TestPaths.temporaryDirectory("stale")
        // a pid that was just used and is gone now
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/bin/true")
        try p.run()
        p.waitUntilExit()
        let dead = p.processIdentifier
        let names = ["flamegate-run-\(dead)-AAAA", "flamegate-base-\(dead)-BBBB", "flamegate-run-\(getpid())-CCCC",
                     "flamegate-run-1-DDDD", "flamegate-other-\(dead)-EEEE", "flamegate-run-x-FFFF"]
        for name in names {
            try FileManager.default.createDirectory(at: dir.appendingPathComponent(name).appendingPathComponent("sub"),
                                                    withIntermediateDirectories: true)
        }
        #expect(StaleScratch.clean(in: dir) == 2)
        let left = Set(try FileManager.default.contentsOfDirectory(atPath: dir.path))
        #expect(left == Set(names.dropFirst(2)), "\(left)")
    }
}
