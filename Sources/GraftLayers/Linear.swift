import GraftEngine

/// y = x·Wᵀ + b over the last dimension (PyTorch's `nn.Linear`; weight [out, in]).
public struct Linear: WeightAndBiasLayer {
  /// [outputSize, inputSize].
  public var weight: Tensor<Float>
  /// [outputSize], or nil.
  public var bias: Tensor<Float>?

  public init(
    _ inputSize: Int, _ outputSize: Int, bias useBias: Bool = true, initializer: Initializer = .pytorchDefault,
    generator: inout RandomGenerator
  ) {
    weight = initializer.weight([outputSize, inputSize], fanIn: inputSize, fanOut: outputSize, generator: &generator)
    bias = useBias ? initializer.bias(outputSize, fanIn: inputSize, generator: &generator) : nil
  }

  public init(weight: Tensor<Float>, bias: Tensor<Float>?) {
    self.weight = weight
    self.bias = bias
  }

  /// [..., in] → [..., out].
  public func callAsFunction(_ x: Tensor<Float>) -> Tensor<Float> {
    GraftEngine.linear(x, weight: weight, bias: bias)
  }
}
