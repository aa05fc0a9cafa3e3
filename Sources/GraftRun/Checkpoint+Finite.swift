import GraftEngine
import GraftIO

extension Tensor<Float> {
  /// Whether every element is finite (no NaN or infinity).
  public var isAllFinite: Bool { scalars.allSatisfy(\.isFinite) }
}

extension Checkpoint {
  /// The name of the first tensor holding a NaN or an infinity, or nil.
  public var firstNonFiniteTensor: String? {
    tensors.first { !$0.tensor.isAllFinite }?.name
  }
}
