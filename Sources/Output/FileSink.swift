import Files
import Foundation

/// The one place flamegate writes its reports, results and baselines: atomic writes (a new file
/// with an unpredictable name in the same directory, then rename) so a reader
/// never sees half a file and a planted link is never followed.
public enum FileSink {
    public static func write(_ data: Data, to url: URL) throws {
        try SafeFile.write(data, to: url.path)
    }

    public static func write(_ text: String, to url: URL) throws {
        try write(Data(text.utf8), to: url)
    }
}
