import Model

/// FlameGraph's folded format: `thread;outer;…;leaf COUNT` per line, identical
/// stacks merged, lines sorted so the output is deterministic. Kernel frames
/// carry FlameGraph's `_[k]` suffix.
public enum FoldedStacks {
    public static func render(_ profile: Profile) -> String {
        var lines: [String: UInt64] = [:]
        for sample in profile.samples where sample.value > 0 {
            var parts = [clean(sample.thread.isEmpty ? "[unnamed]" : sample.thread)]
            for index in sample.frames {
                let frame = profile.frames[index]
                parts.append(clean(frame.name) + (frame.kind == .kernel ? "_[k]" : ""))
            }
            lines[parts.joined(separator: ";"), default: 0] += sample.value
        }
        return lines.keys.sorted().map { "\($0) \(lines[$0]!)\n" }.joined()
    }

    /// `;` separates frames and the last space the count: keep names from breaking either.
    static func clean(_ name: String) -> String {
        String(name.map { $0 == ";" ? ":" : ($0 == "\n" || $0 == "\r") ? " " : $0 })
    }

    /// Parses folded text back into stacks (thread first) with counts.
    public static func parse(_ text: String) -> [(stack: [String], count: UInt64)] {
        text.split(separator: "\n").compactMap { line in
            guard let space = line.lastIndex(of: " "), let count = UInt64(line[line.index(after: space)...]) else {
                return nil
            }
            return (line[..<space].split(separator: ";", omittingEmptySubsequences: false).map(String.init), count)
        }
    }
}
