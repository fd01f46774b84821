import Model

/// What a detector found: the kind of problem, the function responsible and
/// its call path, the numbers that show it, and what to do about it.
public struct Finding: Codable, Sendable, Equatable {
    public enum Kind: String, Codable, Sendable {
        case complexity
        case leak
        /// memory an allocation path holds while the program runs grew (freed at exit or not)
        case growth
        case busyPolling = "busy_polling"
        case contention
        /// threads waiting for work (a condition, a semaphore) because another thread got slower
        case idle
        case ioWait = "io_wait"
        case networkWait = "network_wait"
        case hotspot
        case hotspotShift = "hotspot_shift"
        case ioLatency = "io_latency"
    }

    public enum Severity: String, Codable, Sendable {
        /// Fails the gate.
        case error
        /// Shown, does not fail.
        case warning
    }

    /// One number of the evidence.
    public struct Evidence: Codable, Sendable, Equatable {
        public var name: String
        public var value: Double
        public var unit: String

        public init(_ name: String, _ value: Double, _ unit: String) {
            self.name = name
            self.value = value
            self.unit = unit
        }
    }

    public var kind: Kind
    public var severity: Severity
    /// The function responsible.
    public var function: String
    /// Outermost caller first, ending at the function (and the primitive it called).
    public var callPath: [String]
    public var size: Int?
    /// One line: "parse_request: O(n^1.98), was O(n^1.02)".
    public var summary: String
    public var evidence: [Evidence]
    /// One line on how to fix it.
    public var hint: String

    public init(kind: Kind, severity: Severity, function: String, callPath: [String], size: Int?, summary: String,
                evidence: [Evidence], hint: String) {
        self.kind = kind
        self.severity = severity
        self.function = function
        self.callPath = callPath
        self.size = size
        self.summary = summary
        self.evidence = evidence
        self.hint = hint
    }
}

/// Reading merged profiles by frame names.
extension TrimmedProfile {
    /// Stacks of one thread name (frames[0]).
    public func stacks(thread: String) -> [Stack] {
        stacks.filter { $0.frames.first == thread }
    }

    /// The heaviest call path (without the thread) through `function`,
    /// from the outermost caller down to it.
    public func heaviestPath(to function: String) -> [String]? {
        var weights: [[String]: UInt64] = [:]
        for s in stacks {
            guard let i = s.frames.dropFirst().firstIndex(of: function) else { continue }
            weights[Array(s.frames[1...i]), default: 0] += s.value
        }
        return weights.max { a, b in a.value != b.value ? a.value < b.value : a.key.lexicographicallyPrecedes(b.key) }?.key
    }

    /// Direct callers of `function` (the frame before it), by value.
    public func callers(of function: String) -> Set<String> {
        var out = Set<String>()
        for s in stacks {
            for i in s.frames.indices.dropFirst(2) where s.frames[i] == function { out.insert(s.frames[i - 1]) }
        }
        return out
    }
}
