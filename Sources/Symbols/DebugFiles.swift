import Foundation

/// Where separate debug files live (the GDB conventions Debian's -dbgsym
/// packages follow): by build-id first, then by `.gnu_debuglink` name.
public enum DebugFiles {
    public static let root = "/usr/lib/debug"

    public static func candidates(buildID: String?, path: String, debugLink: String?) -> [String] {
        var paths: [String] = []
        if let id = buildID, id.count > 2 {
            let i = id.index(id.startIndex, offsetBy: 2)
            paths.append("\(root)/.build-id/\(id[..<i])/\(id[i...]).debug")
        }
        if let link = debugLink {
            let dir = (path as NSString).deletingLastPathComponent
            paths.append("\(dir)/\(link)")
            paths.append("\(dir)/.debug/\(link)")
            paths.append("\(root)\(dir)/\(link)")
        }
        return paths
    }

    /// The first candidate that exists, carries a symbol table and, when both
    /// sides have a build-id, the same one.
    public static func find(for image: ElfImage, path: String) -> (path: String, image: ElfImage)? {
        for candidate in candidates(buildID: image.buildID, path: path, debugLink: image.debugLink)
        where candidate != path && FileManager.default.fileExists(atPath: candidate) {
            guard let debug = try? ElfImage.read(path: candidate), debug.hasSymtab else { continue }
            if let a = image.buildID, let b = debug.buildID, a != b { continue }
            return (candidate, debug)
        }
        return nil
    }
}
