/// Input that the statistics cannot work with, named by what it is (`baseline`,
/// `current`, `sizes`, `costs`, a parameter) and what is expected instead.
///
/// Thrown for data that comes from measurements or scenario files, so that bad
/// input becomes a clear message instead of a crash or a silent NaN verdict.
public enum AnalysisError: Error, CustomStringConvertible, Equatable, Sendable {
    /// A sample has fewer values than the method needs.
    case tooFewValues(sample: String, needed: Int, got: Int)
    /// A value that must be positive and finite (it is compared on a log scale) is not.
    case notPositive(sample: String, index: Int, value: Double)
    /// Two arrays that must pair up element by element differ in length.
    case lengthMismatch(first: String, firstCount: Int, second: String, secondCount: Int)
    /// A regression needs at least two different x values.
    case tooFewDistinctValues(sample: String, needed: Int, got: Int)
    /// A tuning parameter (threshold, level, resample count) is out of range.
    case invalidParameter(name: String, value: Double, expected: String)

    public var description: String {
        switch self {
        case let .tooFewValues(sample, needed, got):
            return "\(sample): expected at least \(needed) values, got \(got)"
        case let .notPositive(sample, index, value):
            return "\(sample)[\(index)] is \(value): expected a positive, finite number "
                + "(values are compared as ratios on a log scale)"
        case let .lengthMismatch(first, firstCount, second, secondCount):
            return "\(first) has \(firstCount) values but \(second) has \(secondCount): "
                + "expected one \(second) value per \(first) value"
        case let .tooFewDistinctValues(sample, needed, got):
            return "\(sample): expected at least \(needed) distinct values, got \(got)"
        case let .invalidParameter(name, value, expected):
            return "\(name) is \(value): expected \(expected)"
        }
    }

    /// Checks that every value is positive and finite, naming the first offender.
    static func requirePositive(_ values: [Double], sample: String) throws {
        if let index = values.firstIndex(where: { !($0 > 0 && $0.isFinite) }) {
            throw AnalysisError.notPositive(sample: sample, index: index, value: values[index])
        }
    }
}
