import GraftEngine

extension RandomGenerator {
  /// A uniform integer in `0..<upperBound` (unbiased: Lemire's multiply-and-reject method).
  ///
  /// Written out here rather than taken from the standard library's `Int.random(in:using:)` so that the
  /// numbers a seed gives (mode choices, shuffles) can never change with the Swift version.
  mutating func uniformIndex(below upperBound: Int) -> Int {
    precondition(upperBound > 0, "uniformIndex: upper bound must be positive, got \(upperBound)")
    let bound = UInt64(upperBound)
    var product = next().multipliedFullWidth(by: bound)
    if product.low < bound {
      let threshold = (0 &- bound) % bound
      while product.low < threshold { product = next().multipliedFullWidth(by: bound) }
    }
    return Int(product.high)
  }

  /// Shuffles `values` in place (Fisher–Yates, drawing from this generator).
  mutating func shuffle(_ values: inout [Int]) {
    guard values.count > 1 else { return }
    for i in stride(from: values.count - 1, to: 0, by: -1) {
      let j = uniformIndex(below: i + 1)
      if i != j { values.swapAt(i, j) }
    }
  }
}
