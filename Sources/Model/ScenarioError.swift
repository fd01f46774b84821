/// A scenario file problem at a coding path; the loader turns the path into
/// file:line:column.
public struct ScenarioError: Error, CustomStringConvertible, Sendable {
    /// Keys and indices from the document root to the offending node.
    public var path: [String]
    public var message: String
    /// The problem is the key itself (unknown key), not its value.
    public var atKey: Bool

    public init(path: [String], _ message: String, atKey: Bool = false) {
        self.path = path
        self.message = message
        self.atKey = atKey
    }

    public init(codingPath: [any CodingKey], _ message: String, atKey: Bool = false) {
        self.init(path: codingPath.map { $0.intValue.map(String.init) ?? $0.stringValue }, message, atKey: atKey)
    }

    public var description: String {
        path.isEmpty ? message : "\(path.joined(separator: ".")): \(message)"
    }
}

/// A coding key for any mapping key, to see keys a type does not know.
struct AnyKey: CodingKey {
    var stringValue: String
    var intValue: Int?
    init(stringValue: String) { self.stringValue = stringValue }
    init(intValue: Int) {
        stringValue = String(intValue)
        self.intValue = intValue
    }
    init(_ s: String) { stringValue = s }
}

/// Strict decoding helpers: unknown keys and malformed quantities are errors.
extension Decoder {
    /// Throws on the first key of this mapping not in `allowed`.
    func rejectUnknownKeys(_ allowed: [String], in what: String) throws {
        let container = try self.container(keyedBy: AnyKey.self)
        for key in container.allKeys where !allowed.contains(key.stringValue) {
            throw ScenarioError(codingPath: codingPath + [key],
                                "unknown key '\(key.stringValue)' in \(what); expected one of: "
                                    + allowed.joined(separator: ", "), atKey: true)
        }
    }
}

extension KeyedDecodingContainer where Key == AnyKey {
    func string(_ key: String) throws -> String? {
        try decodeIfPresent(String.self, forKey: AnyKey(key))
    }

    /// A quantity written as a string ("30s", "5%") or, when `numbers` allows,
    /// a bare number, parsed by `parse`; `expected` describes the form in errors.
    func quantity<T>(_ key: String, expected: String, numbers: Bool = false,
                     _ parse: (String) -> T?) throws -> T? {
        let k = AnyKey(key)
        guard contains(k), try !decodeNil(forKey: k) else { return nil }
        var text: String
        if let s = try? decode(String.self, forKey: k) {
            text = s
        } else if numbers, let d = try? decode(Double.self, forKey: k) {
            text = d == d.rounded() && abs(d) < 1e15 ? String(Int64(d)) : String(d)
        } else {
            throw ScenarioError(codingPath: codingPath + [k], "expected \(expected)")
        }
        guard let value = parse(text) else {
            throw ScenarioError(codingPath: codingPath + [k], "'\(text)' is not \(expected)")
        }
        return value
    }

    func int(_ key: String, range: ClosedRange<Int>) throws -> Int? {
        let k = AnyKey(key)
        guard contains(k) else { return nil }
        guard let value = try? decode(Int.self, forKey: k) else {
            throw ScenarioError(codingPath: codingPath + [k], "expected an integer from \(range.lowerBound) to \(range.upperBound)")
        }
        guard range.contains(value) else {
            throw ScenarioError(codingPath: codingPath + [k], "\(value) is out of range: expected \(range.lowerBound) to \(range.upperBound)")
        }
        return value
    }
}
