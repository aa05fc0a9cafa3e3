import Foundation
import GraftEngine
import GraftIO

/// pytorch-fid's FID Inception-v3 (the 2015 TensorFlow Inception that FID and the Inception Score are
/// reported in), for inference: 2048 pool features and 1008 logits per image.
///
/// Input handling is pytorch-fid's: images [N, C, H, W] in [0, 1] with C = 3 (RGB) or 1 (grayscale,
/// replicated to three channels), resized bilinearly to 299×299 (`F.interpolate(mode="bilinear",
/// align_corners=False)`), scaled to [−1, 1], then Conv2d_1a … Mixed_7c, the global average pool
/// (`pool`, pytorch-fid's `InceptionV3()` features) and the 1008-way fc (`logits`, with its bias).
///
/// Parameter names are those of pytorch-fid's state dict, so `pt_inception-2015-12-05-6726825d.pth`
/// loads as it is (`init(weightsAt:)`); `num_batches_tracked` entries are not needed.
public struct FIDInceptionV3: Sendable {
  /// Pool features per image.
  public static let featureCount = 2048
  /// Logits per image (1000 ImageNet classes and 8 unused ones, as the TensorFlow graph has them).
  public static let logitCount = 1008
  /// The side every image is resized to.
  public static let inputSize = 299

  let stem: [InceptionConv]  // Conv2d_1a_3x3, 2a, 2b, (max pool), 3b, 4a, (max pool)
  let mixed5: [InceptionA]
  let mixed6a: InceptionB
  let mixed6: [InceptionC]
  let mixed7a: InceptionD
  let mixed7: [InceptionE]
  let fcWeight: Tensor<Float>  // [1008, 2048]
  let fcBias: Tensor<Float>  // [1008]

  /// Builds the network from `parameters`, asked once for each name of pytorch-fid's state dict (but
  /// `num_batches_tracked`) with the shape it must have.
  public init(parameters p: InceptionParameters) throws {
    stem = [
      try InceptionConv("Conv2d_1a_3x3", 3, 32, kernel: (3, 3), stride: 2, parameters: p),
      try InceptionConv("Conv2d_2a_3x3", 32, 32, kernel: (3, 3), parameters: p),
      try InceptionConv("Conv2d_2b_3x3", 32, 64, kernel: (3, 3), padding: (1, 1), parameters: p),
      try InceptionConv("Conv2d_3b_1x1", 64, 80, kernel: (1, 1), parameters: p),
      try InceptionConv("Conv2d_4a_3x3", 80, 192, kernel: (3, 3), parameters: p),
    ]
    mixed5 = [
      try InceptionA("Mixed_5b", inChannels: 192, poolFeatures: 32, parameters: p),
      try InceptionA("Mixed_5c", inChannels: 256, poolFeatures: 64, parameters: p),
      try InceptionA("Mixed_5d", inChannels: 288, poolFeatures: 64, parameters: p),
    ]
    mixed6a = try InceptionB("Mixed_6a", inChannels: 288, parameters: p)
    mixed6 = [
      try InceptionC("Mixed_6b", inChannels: 768, channels7x7: 128, parameters: p),
      try InceptionC("Mixed_6c", inChannels: 768, channels7x7: 160, parameters: p),
      try InceptionC("Mixed_6d", inChannels: 768, channels7x7: 160, parameters: p),
      try InceptionC("Mixed_6e", inChannels: 768, channels7x7: 192, parameters: p),
    ]
    mixed7a = try InceptionD("Mixed_7a", inChannels: 768, parameters: p)
    mixed7 = [
      try InceptionE("Mixed_7b", inChannels: 1280, maxPoolBranch: false, parameters: p),
      try InceptionE("Mixed_7c", inChannels: 2048, maxPoolBranch: true, parameters: p),
    ]
    fcWeight = try p("fc.weight", [Self.logitCount, Self.featureCount])
    fcBias = try p("fc.bias", [Self.logitCount])
  }

  /// Builds the network from a state dict (`.pth` or safetensors with pytorch-fid's names). Throws
  /// `GraftIOError.missingTensor` or `.shapeMismatch` naming the first tensor that is not right.
  public init(stateDict: TorchStateDict) throws {
    try self.init(parameters: { name, shape in try stateDict.floatTensor(name, shape: shape) })
  }

  /// Reads the weights file at `url` (pytorch-fid's `.pth`, or safetensors with its names) and builds
  /// the network; see `TorchStateDict.read(from:)` for what is refused.
  public init(weightsAt url: URL) throws {
    try self.init(stateDict: try TorchStateDict.read(from: url))
  }

  /// Pool features [N, 2048] and logits [N, 1008] of `images` [N, C, H, W] (C = 1 or 3, values in
  /// [0, 1]), `batchSize` images at a time, without recording gradients. Throws
  /// `EvalError.badShape` for other shapes.
  public func features(of images: Tensor<Float>, batchSize: Int = 25) throws(EvalError) -> (
    pool: Tensor<Float>, logits: Tensor<Float>
  ) {
    guard images.rank == 4, images.shape[1] == 1 || images.shape[1] == 3, images.shape[2] >= 1, images.shape[3] >= 1
    else {
      throw .badShape(
        what: "the images", shape: images.shape, expected: "[N, 3, H, W] (RGB) or [N, 1, H, W] (grayscale)")
    }
    let n = images.shape[0]
    var pool: [Float] = []
    var logits: [Float] = []
    pool.reserveCapacity(n * Self.featureCount)
    logits.reserveCapacity(n * Self.logitCount)
    withoutGradients {
      for start in stride(from: 0, to: n, by: max(batchSize, 1)) {
        let batch = images[start..<min(start + max(batchSize, 1), n)]
        let (p, l) = self(batch)
        pool += p.scalars
        logits += l.scalars
      }
    }
    return (
      Tensor(shape: [n, Self.featureCount], scalars: pool), Tensor(shape: [n, Self.logitCount], scalars: logits)
    )
  }

  /// Logits without the fc's bias (torch-fidelity's `logits_unbiased`, what its Inception Score uses):
  /// `logits` [N, 1008] from `features(of:)` minus the bias.
  public func unbiasedLogits(_ logits: Tensor<Float>) -> Tensor<Float> {
    logits - fcBias
  }

  /// One batch through the network: `images` [N, 1 or 3, H, W] in [0, 1] → pool [N, 2048], logits [N, 1008].
  public func callAsFunction(_ images: Tensor<Float>) -> (pool: Tensor<Float>, logits: Tensor<Float>) {
    var x = images
    if x.shape[1] == 1 { x = x.expanded(to: [x.shape[0], 3, x.shape[2], x.shape[3]]) }
    x = x.resizedBilinear(height: Self.inputSize, width: Self.inputSize) * 2 - 1
    x = stem[2](stem[1](stem[0](x))).maxPool2d(kernel: 3, stride: 2)
    x = stem[4](stem[3](x)).maxPool2d(kernel: 3, stride: 2)
    for block in mixed5 { x = block(x) }
    x = mixed6a(x)
    for block in mixed6 { x = block(x) }
    x = mixed7a(x)
    for block in mixed7 { x = block(x) }
    let pool = x.mean(alongAxes: [2, 3])  // [N, 2048]
    return (pool, linear(pool, weight: fcWeight, bias: fcBias))
  }
}
