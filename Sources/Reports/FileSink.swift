import Files
import Foundation

/// The one place reports touch the file system: atomic writes (a new file
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

/// JSON as flamegate writes it: stable key order, readable, ISO-8601 dates.
public enum JSONFormat {
    public static func encoder() -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .iso8601
        return encoder
    }

    public static func decoder() -> JSONDecoder {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        return decoder
    }
}
