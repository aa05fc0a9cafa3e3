import GraftEngine

/// Draws Double test inputs.
struct Inputs {
  var rng: RandomGenerator

  init(seed: UInt64) { rng = RandomGenerator(seed: seed) }

  mutating func normal(_ shape: [Int]) -> Tensor<Double> {
    Tensor(randomNormal: shape, generator: &rng)
  }

  mutating func uniform(_ shape: [Int], _ low: Double, _ high: Double) -> Tensor<Double> {
    Tensor(randomUniform: shape, lowerBound: low, upperBound: high, generator: &rng)
  }

  /// Normal values pushed at least `margin` away from zero (for ops with a kink at 0).
  mutating func awayFromZero(_ shape: [Int], margin: Double = 0.1) -> Tensor<Double> {
    let x = normal(shape)
    return Tensor(shape: shape, scalars: x.scalars.map { $0 >= 0 ? $0 + margin : $0 - margin })
  }
}
