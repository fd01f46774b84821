/// Order statistics of a scratch buffer in expected linear time, so that the
/// bootstrap can take the median of hundreds of pairwise differences thousands of
/// times without sorting them.
enum Selection {
    /// The median of `buffer[0..<count]`, reordering that prefix in place.
    ///
    /// - Precondition: `0 < count <= buffer.count`.
    static func medianInPlace(_ buffer: inout [Double], count: Int) -> Double {
        precondition(count > 0 && count <= buffer.count,
                     "median of the first \(count) of \(buffer.count) values")
        return buffer.withUnsafeMutableBufferPointer { values in
            let upper = count / 2
            let upperMiddle = select(values, upper, count: count)
            guard count % 2 == 0 else { return upperMiddle }
            // Selection left every value below index `upper` no larger than it, so
            // the lower middle value is the largest of them.
            var lowerMiddle = values[0]
            for index in 1..<upper where values[index] > lowerMiddle {
                lowerMiddle = values[index]
            }
            return (lowerMiddle + upperMiddle) / 2
        }
    }

    /// The `k`-th smallest (0-based) of `values[0..<count]` by Hoare's FIND
    /// (Hoare 1961, "Algorithm 65: Find", CACM 4(7)) with a median-of-three pivot,
    /// as in Wirth, "Algorithms + Data Structures = Programs" (1976), §2.3.4.
    /// Afterwards `values[k]` holds that value, with no larger value before it.
    private static func select(_ values: UnsafeMutableBufferPointer<Double>, _ k: Int,
                               count: Int) -> Double {
        var low = 0
        var high = count - 1
        while low < high {
            let middle = low + (high - low) / 2
            if values[middle] < values[low] { values.swapAt(middle, low) }
            if values[high] < values[low] { values.swapAt(high, low) }
            if values[high] < values[middle] { values.swapAt(high, middle) }
            let pivot = values[middle]
            var i = low
            var j = high
            while i <= j {
                while values[i] < pivot { i += 1 }
                while pivot < values[j] { j -= 1 }
                if i <= j {
                    values.swapAt(i, j)
                    i += 1
                    j -= 1
                }
            }
            // Now values[low...j] <= pivot <= values[i...high], and anything
            // strictly between j and i equals the pivot.
            if k <= j {
                high = j
            } else if k >= i {
                low = i
            } else {
                return values[k]
            }
        }
        return values[k]
    }
}
