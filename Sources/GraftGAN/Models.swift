import GraftEngine
import GraftLayers

/// A GAN player: a layer from [N, ...] to [N, ...] tensors (generator: latent → sample;
/// discriminator: sample → logit [N, 1]).
public typealias Network = Layer<Tensor<Float>, Tensor<Float>>

/// Multilayer perceptrons for 2-D data: generator latent → … → 2, discriminator 2 → … → 1.
public enum MLP {
  /// Linear layers of the given widths with an activation between them (none after the last).
  public static func make(
    widths: [Int], activation: Function = .relu, initializer: Initializer = .pytorchDefault,
    generator: inout RandomGenerator
  ) -> Sequential {
    var layers: [any Network] = []
    for i in 0..<(widths.count - 1) {
      layers.append(Linear(widths[i], widths[i + 1], initializer: initializer, generator: &generator))
      if i < widths.count - 2 { layers.append(activation) }
    }
    return Sequential(layers)
  }
}

/// DCGAN (Radford et al., 2016) networks for 1- or 3-channel images of 28x28 or 32x32.
///
/// Generator: linear latent → base·s·s (s = 4 for 32x32, 7 for 28x28), BN, ReLU, then transposed
/// convolutions (4x4, stride 2, padding 1) halving the channels with BN + ReLU between, tanh at the end.
/// Discriminator: convolutions (4x4, stride 2, padding 1) doubling the channels, LeakyReLU 0.2, optional
/// batch norm after all but the first (none for a WGAN-GP critic), linear to one logit.
public enum DCGAN {
  public static func generator(
    latent: Int, imageSize: Int, channels: Int, width: Int = 64, initializer: Initializer = .normal(std: 0.02),
    rng: inout RandomGenerator
  ) -> Sequential {
    let plan = stages(imageSize)
    let top = width << (plan.count - 1)  // 256 for 32x32 with width 64
    var layers: [any Network] = [
      Linear(latent, top * plan.start * plan.start, initializer: initializer, generator: &rng),
      Function.reshape([top, plan.start, plan.start]), BatchNorm(features: top), Function.relu,
    ]
    var c = top
    for stage in 0..<plan.count {
      let last = stage == plan.count - 1
      let out = last ? channels : c / 2
      // Batch norm subtracts each channel's mean, cancelling a bias before it: its gradient is float noise
      // (which nSGDA would turn into full-size steps), so only the last convolution has one.
      layers.append(
        ConvTranspose2d(
          c, out, kernelSize: 4, stride: 2, padding: 1, bias: last, initializer: initializer, generator: &rng))
      layers.append(contentsOf: last ? [Function.tanh] : [BatchNorm(features: out), Function.relu] as [any Network])
      c = out
    }
    return Sequential(layers)
  }

  public static func discriminator(
    imageSize: Int, channels: Int, width: Int = 64, batchNorm: Bool, initializer: Initializer = .normal(std: 0.02),
    rng: inout RandomGenerator
  ) -> Sequential {
    let plan = stages(imageSize)
    var layers: [any Network] = []
    var c = channels
    for stage in 0..<plan.count {
      let out = width << stage
      // No bias on a convolution that feeds batch norm, which cancels it (as in the generator).
      let normalized = batchNorm && stage > 0
      layers.append(
        Conv2d(
          c, out, kernelSize: 4, stride: 2, padding: 1, bias: !normalized, initializer: initializer, generator: &rng))
      if normalized { layers.append(BatchNorm(features: out)) }
      layers.append(Function.leakyRelu(slope: 0.2))
      c = out
    }
    layers.append(Function.flatten)
    layers.append(Linear(c * plan.start * plan.start, 1, initializer: initializer, generator: &rng))
    return Sequential(layers)
  }

  /// 32x32: three stride-2 stages from 4x4; 28x28: two from 7x7.
  static func stages(_ imageSize: Int) -> (start: Int, count: Int) {
    switch imageSize {
    case 32: return (4, 3)
    case 28: return (7, 2)
    default: fatalError("DCGAN: image size \(imageSize) is not supported; use 28 or 32")
    }
  }
}

/// The WGAN-GP ResNets for 32x32 images (Gulrajani et al., 2017), with the width a parameter so that a
/// CPU can run a narrow one (the paper's is 128).
public enum ResNetGAN {
  public static func generator(latent: Int, channels: Int, width: Int, rng: inout RandomGenerator) -> Sequential {
    Sequential(
      Linear(latent, width * 16, generator: &rng), Function.reshape([width, 4, 4]),
      ResidualBlock(width, width, resample: .up, batchNorm: true, generator: &rng),
      ResidualBlock(width, width, resample: .up, batchNorm: true, generator: &rng),
      ResidualBlock(width, width, resample: .up, batchNorm: true, generator: &rng),
      BatchNorm(features: width), Function.relu, Conv2d(width, channels, kernelSize: 3, padding: 1, generator: &rng),
      Function.tanh)
  }

  public static func critic(channels: Int, width: Int, rng: inout RandomGenerator) -> Sequential {
    Sequential(
      ResidualBlock(channels, width, resample: .down, batchNorm: false, activatesInput: false, generator: &rng),
      ResidualBlock(width, width, resample: .down, batchNorm: false, generator: &rng),
      ResidualBlock(width, width, resample: .none, batchNorm: false, generator: &rng),
      ResidualBlock(width, width, resample: .none, batchNorm: false, generator: &rng),
      Function.relu, Function("GlobalMeanPool") { $0.mean(alongAxes: [2, 3]) },
      Linear(width, 1, generator: &rng))
  }
}
