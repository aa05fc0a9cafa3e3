import GraftEngine

/// 2-D convolution layer (PyTorch's `nn.Conv2d`; weight [out, in, k, k]).
public struct Conv2d: WeightAndBiasLayer {
  public var weight: Tensor<Float>
  public var bias: Tensor<Float>?
  public let stride: Int
  public let padding: Int

  public init(
    _ inputChannels: Int, _ outputChannels: Int, kernelSize: Int, stride: Int = 1, padding: Int = 0,
    bias useBias: Bool = true, initializer: Initializer = .pytorchDefault, generator: inout RandomGenerator
  ) {
    let receptive = kernelSize * kernelSize
    weight = initializer.weight(
      [outputChannels, inputChannels, kernelSize, kernelSize], fanIn: inputChannels * receptive,
      fanOut: outputChannels * receptive, generator: &generator)
    bias = useBias ? initializer.bias(outputChannels, fanIn: inputChannels * receptive, generator: &generator) : nil
    self.stride = stride
    self.padding = padding
  }

  /// [N, in, H, W] → [N, out, H', W'].
  public func callAsFunction(_ x: Tensor<Float>) -> Tensor<Float> {
    conv2d(x, filter: weight, bias: bias, stride: stride, padding: padding)
  }
}

/// 2-D transposed convolution layer (PyTorch's `nn.ConvTranspose2d`; weight [in, out, k, k]).
public struct ConvTranspose2d: WeightAndBiasLayer {
  public var weight: Tensor<Float>
  public var bias: Tensor<Float>?
  public let stride: Int
  public let padding: Int
  public let outputPadding: Int

  public init(
    _ inputChannels: Int, _ outputChannels: Int, kernelSize: Int, stride: Int = 1, padding: Int = 0,
    outputPadding: Int = 0, bias useBias: Bool = true, initializer: Initializer = .pytorchDefault,
    generator: inout RandomGenerator
  ) {
    let receptive = kernelSize * kernelSize
    // PyTorch computes fan-in from dimension 1 of the weight, which for a transposed convolution is the
    // number of output channels; we follow it so that default initialisations agree.
    let fanIn = outputChannels * receptive
    weight = initializer.weight(
      [inputChannels, outputChannels, kernelSize, kernelSize], fanIn: fanIn, fanOut: inputChannels * receptive,
      generator: &generator)
    bias = useBias ? initializer.bias(outputChannels, fanIn: fanIn, generator: &generator) : nil
    self.stride = stride
    self.padding = padding
    self.outputPadding = outputPadding
  }

  /// [N, in, H, W] → [N, out, (H−1)·s − 2p + k + outputPadding, …].
  public func callAsFunction(_ x: Tensor<Float>) -> Tensor<Float> {
    convTranspose2d(x, filter: weight, bias: bias, stride: stride, padding: padding, outputPadding: outputPadding)
  }
}
