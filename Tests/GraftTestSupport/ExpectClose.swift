import GraftEngine
import Testing

/// Expects ‖actual − expected‖∞ ≤ tolerance · max(‖expected‖∞, floor): relative to the tensor's scale,
/// as float32 sums taken in a different order (Graft's and PyTorch's) can differ in the last bits.
public func expectClose(
  _ actual: Tensor<Float>, _ expected: Tensor<Float>, _ what: String, tolerance: Float = 1e-4, floor: Float = 1e-30,
  sourceLocation: SourceLocation = #_sourceLocation
) {
  #expect(
    actual.shape == expected.shape, "\(what): shape \(actual.shape) vs \(expected.shape)",
    sourceLocation: sourceLocation)
  guard actual.shape == expected.shape else { return }
  let scale = max(expected.scalars.map { abs($0) }.max() ?? 0, floor)
  let worst = zip(actual.scalars, expected.scalars).map { abs($0 - $1) }.max() ?? 0
  #expect(worst <= tolerance * scale, "\(what): max error \(worst) at scale \(scale)", sourceLocation: sourceLocation)
}
