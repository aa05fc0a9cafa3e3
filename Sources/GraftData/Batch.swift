import GraftEngine

/// One mini-batch from a `BatchLoader`.
public struct Batch: Sendable {
  /// The examples `[B, ...]` (the data set's shape with the first dimension B).
  public let images: Tensor<Float>
  /// Their labels (B of them), when the data set has labels.
  public let labels: [Int]?
  /// The data set indices of the examples, in batch order.
  public let indices: [Int]
  /// The epoch the batch belongs to (0 for the first).
  public let epoch: Int

  /// The number of examples B.
  public var count: Int { indices.count }

  /// The batch of `images`' rows `indices` (with their `labels`, if any), tagged with `epoch`.
  public init(gathering indices: [Int], from images: Tensor<Float>, labels: [Int]?, epoch: Int) {
    let n = images.shape[0]
    let row = n == 0 ? 0 : images.count / n
    let scalars = [Float](unsafeUninitializedCapacity: indices.count * row) { out, initialized in
      images.scalars.withUnsafeBufferPointer { src in
        for (k, i) in indices.enumerated() {
          precondition(i >= 0 && i < n, "Batch: index \(i) out of 0..<\(n)")
          (out.baseAddress! + k * row).initialize(from: src.baseAddress! + i * row, count: row)
        }
      }
      initialized = indices.count * row
    }
    self.images = Tensor(shape: [indices.count] + images.shape.dropFirst(), scalars: scalars)
    self.labels = labels.map { all in indices.map { all[$0] } }
    self.indices = indices
    self.epoch = epoch
  }
}
