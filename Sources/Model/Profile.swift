/// What a profile's sample values count.
public enum ProfileUnit: String, Codable, Sendable {
    /// CPU samples; `Profile.periodNanoseconds` converts them to time.
    case samples
    case nanoseconds
    case bytes
    case count
}

/// One aggregated stack with its value, root frame first.
public struct StackSample: Hashable, Codable, Sendable {
    public var pid: Int32
    public var tid: Int32
    /// Name of the thread (its comm) when the samples were taken.
    public var thread: String
    /// Indices into `Profile.frames`, outermost caller first.
    public var frames: [Int]
    public var value: UInt64

    public init(pid: Int32, tid: Int32, thread: String, frames: [Int], value: UInt64) {
        self.pid = pid
        self.tid = tid
        self.thread = thread
        self.frames = frames
        self.value = value
    }
}

/// Stacks with values: on-CPU samples, off-CPU time, allocated bytes.
/// Frames are interned in a table so the JSON stays compact.
public struct Profile: Codable, Sendable {
    /// The probe that produced it (`cpu`, `offcpu`, …).
    public var kind: String
    public var unit: ProfileUnit
    /// Time one sample stands for (CPU profiles), nil otherwise.
    public var periodNanoseconds: UInt64?
    public var frames: [Frame]
    public var samples: [StackSample]

    public init(kind: String, unit: ProfileUnit, periodNanoseconds: UInt64? = nil,
                frames: [Frame] = [], samples: [StackSample] = []) {
        self.kind = kind
        self.unit = unit
        self.periodNanoseconds = periodNanoseconds
        self.frames = frames
        self.samples = samples
    }

    public var total: UInt64 { samples.reduce(0) { $0 + $1.value } }
}

/// Builds a profile, interning frames as they come.
public struct ProfileBuilder {
    public private(set) var profile: Profile
    private var index: [Frame: Int] = [:]

    public init(kind: String, unit: ProfileUnit, periodNanoseconds: UInt64? = nil) {
        profile = Profile(kind: kind, unit: unit, periodNanoseconds: periodNanoseconds)
    }

    public mutating func intern(_ frame: Frame) -> Int {
        if let i = index[frame] { return i }
        profile.frames.append(frame)
        index[frame] = profile.frames.count - 1
        return profile.frames.count - 1
    }

    public mutating func add(_ sample: StackSample) {
        profile.samples.append(sample)
    }
}

extension Profile {
    /// How many frames there were and how many stayed unresolved (shown as
    /// `module+0xOFFSET`): weighted by samples in a sampled profile, once per
    /// stored stack otherwise (time or bytes are no count of frames).
    public var frameResolution: (frames: UInt64, unresolved: UInt64) {
        var all: UInt64 = 0, unresolved: UInt64 = 0
        for sample in samples {
            let weight = unit == .samples ? sample.value : 1
            all += UInt64(sample.frames.count) * weight
            unresolved += UInt64(sample.frames.filter { !frames[$0].resolved }.count) * weight
        }
        return (all, unresolved)
    }
}
