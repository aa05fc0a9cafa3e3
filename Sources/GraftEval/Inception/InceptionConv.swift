import GraftEngine

/// Where the Inception network's parameters come from: the tensor called `name` (a name of pytorch-fid's
/// state dict, e.g. "Mixed_5b.branch1x1.conv.weight"), which must have `shape`.
public typealias InceptionParameters = (_ name: String, _ shape: [Int]) throws -> Tensor<Float>

/// torchvision's `BasicConv2d` in evaluation mode: a convolution without bias, batch norm (ε = 0.001)
/// with its running statistics, then ReLU.
///
/// Inference only, so the batch norm is folded into the convolution once at load:
/// w' = w·γ/√(σ² + ε) per output channel and b' = β − μ·γ/√(σ² + ε) (computed in Double), leaving one
/// convolution with bias and a ReLU per layer.
struct InceptionConv: Sendable {
  let filter: Tensor<Float>
  let bias: Tensor<Float>
  let stride: Int
  /// Zero padding above and below, and left and right (PyTorch's `padding=(h, w)`).
  let padding: (height: Int, width: Int)

  static let batchNormEpsilon = 0.001

  /// The layer called `name` ("Conv2d_1a_3x3", "Mixed_6b.branch7x7_2", ...): its parameters are
  /// `name.conv.weight` [out, in, kh, kw] and `name.bn.{weight, bias, running_mean, running_var}` [out].
  init(
    _ name: String, _ inChannels: Int, _ outChannels: Int, kernel: (Int, Int), stride: Int = 1,
    padding: (Int, Int) = (0, 0), parameters: InceptionParameters
  ) throws {
    let weight = try parameters("\(name).conv.weight", [outChannels, inChannels, kernel.0, kernel.1])
    let gamma = try parameters("\(name).bn.weight", [outChannels]).scalars
    let beta = try parameters("\(name).bn.bias", [outChannels]).scalars
    let mean = try parameters("\(name).bn.running_mean", [outChannels]).scalars
    let variance = try parameters("\(name).bn.running_var", [outChannels]).scalars
    let perFilter = inChannels * kernel.0 * kernel.1
    var folded = weight.scalars
    var shift = [Float](repeating: 0, count: outChannels)
    for o in 0..<outChannels {
      let scale = Double(gamma[o]) / (Double(variance[o]) + Self.batchNormEpsilon).squareRoot()
      for i in (o * perFilter)..<((o + 1) * perFilter) { folded[i] = Float(Double(folded[i]) * scale) }
      shift[o] = Float(Double(beta[o]) - Double(mean[o]) * scale)
    }
    filter = Tensor(shape: weight.shape, scalars: folded)
    bias = Tensor(shift)
    self.stride = stride
    self.padding = padding
  }

  /// [N, in, H, W] → [N, out, H', W'].
  func callAsFunction(_ x: Tensor<Float>) -> Tensor<Float> {
    if padding.height == padding.width {
      return conv2d(x, filter: filter, bias: bias, stride: stride, padding: padding.height).relu()
    }
    // A 1×7 or 7×1 kernel pads one axis only: pad it, then convolve without padding.
    return conv2d(
      x.zeroPadded(height: padding.height, width: padding.width), filter: filter, bias: bias, stride: stride
    )
    .relu()
  }
}
