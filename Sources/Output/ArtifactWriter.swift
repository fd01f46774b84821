import Analysis
import Foundation
import Model
import Reports

/// Writes the files `Artifacts` renders into an output directory, each
/// atomically through `FileSink`.
public enum ArtifactWriter {
    /// Writes the files of a recording; returns them in the order written.
    @discardableResult
    public static func writeRecording(_ r: Recording, to dir: URL) throws -> [URL] {
        try write(try Artifacts.recording(r), to: dir)
    }

    /// Writes the files of a run's report; returns them in the order written.
    @discardableResult
    public static func writeRun(_ r: RunReport, to dir: URL) throws -> [URL] {
        try write(try Artifacts.run(r), to: dir)
    }

    static func write(_ files: [Artifacts.File], to dir: URL) throws -> [URL] {
        try files.map { file in
            let url = dir.appendingPathComponent(file.name)
            try FileSink.write(file.data, to: url)
            return url
        }
    }
}
