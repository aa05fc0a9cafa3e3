import Foundation
import GraftEngine

/// How a layer's weights are drawn. `fanIn`/`fanOut` are computed as PyTorch does
/// (`_calculate_fan_in_and_fan_out`: dims 1 and 0 times the kernel size).
public enum Initializer: Sendable, Equatable {
  /// PyTorch's default for Linear and convolutions: kaiming uniform with a = √5, i.e. U(−b, b) with
  /// b = 1/√fanIn.
  case pytorchDefault
  /// N(0, std²): DCGAN uses std 0.02.
  case normal(std: Float)
  /// Glorot: U(−b, b), b = gain·√(6/(fanIn + fanOut)).
  case xavierUniform(gain: Float = 1)
  /// Glorot: N(0, gain²·2/(fanIn + fanOut)).
  case xavierNormal(gain: Float = 1)
  /// He: U(−b, b), b = √(6/((1 + a²)·fanIn)) (for ReLU, a = 0; leaky ReLU, its slope).
  case kaimingUniform(a: Float = 0)
  /// He: N(0, 2/((1 + a²)·fanIn)).
  case kaimingNormal(a: Float = 0)

  /// A weight tensor of `shape` drawn with this scheme.
  public func weight(_ shape: [Int], fanIn: Int, fanOut: Int, generator: inout RandomGenerator) -> Tensor<Float> {
    let fi = Float(max(fanIn, 1))
    let fo = Float(max(fanOut, 1))
    switch self {
    case .pytorchDefault:
      let b = 1 / fi.squareRoot()
      return Tensor(randomUniform: shape, lowerBound: -b, upperBound: b, generator: &generator)
    case .normal(let std):
      return Tensor(randomNormal: shape, standardDeviation: std, generator: &generator)
    case .xavierUniform(let gain):
      let b = gain * (6 / (fi + fo)).squareRoot()
      return Tensor(randomUniform: shape, lowerBound: -b, upperBound: b, generator: &generator)
    case .xavierNormal(let gain):
      return Tensor(randomNormal: shape, standardDeviation: gain * (2 / (fi + fo)).squareRoot(), generator: &generator)
    case .kaimingUniform(let a):
      let b = (6 / ((1 + a * a) * fi)).squareRoot()
      return Tensor(randomUniform: shape, lowerBound: -b, upperBound: b, generator: &generator)
    case .kaimingNormal(let a):
      return Tensor(
        randomNormal: shape, standardDeviation: (2 / ((1 + a * a) * fi)).squareRoot(), generator: &generator)
    }
  }

  /// A bias of `count` elements: PyTorch's U(−1/√fanIn, 1/√fanIn) for the default scheme, zeros otherwise
  /// (DCGAN and the Glorot/He schemes zero their biases).
  public func bias(_ count: Int, fanIn: Int, generator: inout RandomGenerator) -> Tensor<Float> {
    guard self == .pytorchDefault else { return Tensor(zeros: [count]) }
    let b = 1 / Float(max(fanIn, 1)).squareRoot()
    return Tensor(randomUniform: [count], lowerBound: -b, upperBound: b, generator: &generator)
  }
}
