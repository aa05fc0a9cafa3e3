/// A histogram of values for TensorBoard: 30 equal-width buckets between the finite minimum and maximum
/// (TensorBoard re-buckets for display, so fewer, wider buckets lose nothing it shows).
struct Histogram {
  static let bucketCount = 30
  var proto = Tensorboard_HistogramProto()

  /// Nil when no value is finite.
  init?(_ values: [Float]) {
    let finite = values.lazy.filter(\.isFinite).map(Double.init)
    guard let low = finite.min(), let high = finite.max() else { return nil }
    let width = (high - low) / Double(Self.bucketCount)
    var counts = [Double](repeating: 0, count: Self.bucketCount)
    var (sum, squares, n) = (0.0, 0.0, 0.0)
    for v in finite {
      let i = width > 0 ? min(Int((v - low) / width), Self.bucketCount - 1) : 0
      counts[i] += 1
      sum += v
      squares += v * v
      n += 1
    }
    proto.min = low
    proto.max = high
    proto.num = n
    proto.sum = sum
    proto.sumSquares = squares
    // A constant tensor is one bucket at its value.
    proto.bucketLimit = width > 0 ? (1...Self.bucketCount).map { low + width * Double($0) } : [high]
    proto.bucket = width > 0 ? counts : [n]
  }
}
