import GraftEngine

/// The residual block of the WGAN-GP ResNets (Gulrajani et al., 2017), pre-activation style:
///
///     main:     [bn1] → [relu] → [up] → conv1 (3x3) → [bn2] → relu → conv2 (3x3) → [down]
///     shortcut: [up] → conv (1x1) → [down]        (identity when nothing changes shape)
///     output:   main + shortcut
///
/// `.up` blocks (generator) upsample ×2 by nearest neighbour; `.down` blocks (critic) average-pool ×2.
/// Batch norm is used in the generator and left out of a WGAN-GP critic.
/// Parameter names: bn1, conv1, bn2, conv2, shortcut (as in Scripts/make_layer_fixtures.py).
public struct ResidualBlock: Layer {
  public enum Resample: Sendable { case up, down, none }

  public var bn1: BatchNorm?
  public var conv1: Conv2d
  public var bn2: BatchNorm?
  public var conv2: Conv2d
  public var shortcut: Conv2d?
  public let resample: Resample
  /// Whether the main path starts with ReLU. The critic's first block (WGAN-GP's "optimized" block)
  /// sees raw images and skips it.
  public let activatesInput: Bool

  public init(
    _ inputChannels: Int, _ outputChannels: Int, resample: Resample, batchNorm: Bool, activatesInput: Bool = true,
    initializer: Initializer = .pytorchDefault, generator: inout RandomGenerator
  ) {
    self.resample = resample
    self.activatesInput = activatesInput
    bn1 = batchNorm ? BatchNorm(features: inputChannels) : nil
    conv1 = Conv2d(
      inputChannels, outputChannels, kernelSize: 3, padding: 1, initializer: initializer, generator: &generator)
    bn2 = batchNorm ? BatchNorm(features: outputChannels) : nil
    conv2 = Conv2d(
      outputChannels, outputChannels, kernelSize: 3, padding: 1, initializer: initializer, generator: &generator)
    shortcut =
      inputChannels == outputChannels && resample == .none
      ? nil : Conv2d(inputChannels, outputChannels, kernelSize: 1, initializer: initializer, generator: &generator)
  }

  public func callAsFunction(_ x: Tensor<Float>) -> Tensor<Float> {
    var h = bn1.map { $0(x) } ?? x
    if activatesInput { h = h.relu() }
    if resample == .up { h = h.upsampledNearest(scale: 2) }
    h = conv1(h)
    h = conv2((bn2.map { $0(h) } ?? h).relu())
    if resample == .down { h = h.avgPool2d(kernel: 2) }
    var s = resample == .up ? x.upsampledNearest(scale: 2) : x
    if let shortcut { s = shortcut(s) }
    if resample == .down { s = s.avgPool2d(kernel: 2) }
    return h + s
  }

  public var parameterPaths: [ParameterPath<Self>] {
    (bn1 == nil ? [] : paths(of: \.bn1!, named: "bn1")) + paths(of: \.conv1, named: "conv1")
      + (bn2 == nil ? [] : paths(of: \.bn2!, named: "bn2")) + paths(of: \.conv2, named: "conv2")
      + (shortcut == nil ? [] : paths(of: \.shortcut!, named: "shortcut"))
  }

  public var bufferPaths: [ParameterPath<Self>] {
    (bn1 == nil ? [] : bufferPaths(of: \.bn1!, named: "bn1"))
      + (bn2 == nil ? [] : bufferPaths(of: \.bn2!, named: "bn2"))
  }
}
