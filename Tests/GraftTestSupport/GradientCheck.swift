import GraftEngine
import Testing

/// ‖a − b‖₂ / max(‖a‖₂, ‖b‖₂, tiny): the relative error the gradient checks bound.
public func relativeError(_ a: [Double], _ b: [Double]) -> Double {
  precondition(a.count == b.count)
  var diff = 0.0
  var na = 0.0
  var nb = 0.0
  for i in a.indices {
    diff += (a[i] - b[i]) * (a[i] - b[i])
    na += a[i] * a[i]
    nb += b[i] * b[i]
  }
  return diff.squareRoot() / max(na.squareRoot(), nb.squareRoot(), 1e-12)
}

/// Central finite differences of a scalar function with respect to each element of each input.
public func numericalGradients(
  _ inputs: [Tensor<Double>], step h: Double = 1e-6, _ f: ([Tensor<Double>]) throws -> Double
) rethrows -> [[Double]] {
  try inputs.indices.map { which in
    try (0..<inputs[which].count).map { i in
      var plus = inputs
      var minus = inputs
      var sp = inputs[which].scalars
      var sm = inputs[which].scalars
      sp[i] += h
      sm[i] -= h
      plus[which] = Tensor(shape: inputs[which].shape, scalars: sp)
      minus[which] = Tensor(shape: inputs[which].shape, scalars: sm)
      return (try f(plus) - f(minus)) / (2 * h)
    }
  }
}

/// Checks the autodiff gradient of `op` against central differences. A non-scalar output is reduced
/// with fixed random weights, so every output element's gradient path is exercised.
public func expectGradientsMatch(
  _ inputs: [Tensor<Double>], tolerance: Double = 1e-6, sourceLocation: SourceLocation = #_sourceLocation,
  _ op: @escaping ([Tensor<Double>]) -> Tensor<Double>
) throws {
  let probeShape = op(inputs).shape
  var rng = RandomGenerator(seed: 99)
  let weights = Tensor<Double>(randomNormal: probeShape, generator: &rng)
  let loss: ([Tensor<Double>]) -> Tensor<Double> = { (op($0) * weights).sum() }
  let (_, analytic) = try valueWithGradients(at: inputs, loss)
  let numeric = numericalGradients(inputs) { loss($0).scalar }
  for i in inputs.indices {
    #expect(analytic[i].shape == inputs[i].shape, sourceLocation: sourceLocation)
    let error = relativeError(analytic[i].scalars, numeric[i])
    #expect(error < tolerance, "input \(i): relative error \(error)", sourceLocation: sourceLocation)
  }
}
