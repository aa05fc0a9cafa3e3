import Foundation
import GraftEngine
import GraftOptimizers
import GraftRun

/// The training workloads `graft bench` times against PyTorch; Benchmarks/torch_bench.py builds the
/// same networks, losses and optimizers, so the two times are of the same work.
public enum BenchmarkWorkload: String, CaseIterable, Sendable {
  /// Ring8 MLP GAN: G 2→128→128→2, D 2→128→128→1, ReLU, batch 256, non-saturating loss, Adam.
  case mlpGAN = "mlp-gan"
  /// 32x32 DCGAN (latent 128, width 64, BN in G, and in D after its second and third convs), batch 64,
  /// non-saturating loss, Adam(2e-4, 0.5, 0.999).
  case dcgan
  /// The same DCGAN with a critic without BN: one critic step with the gradient penalty (λ = 10) and
  /// one G step, batch 64, Adam(1e-4, 0.5, 0.9).
  case wganGP = "wgan-gp"
  /// The synthetic setting at its default size (d = 100, 6+6 neurons, cubic D, batch 64, minimax
  /// loss, layer-wise nSGDA for both players).
  case theory

  /// The training configuration the workload runs.
  public var config: TrainingConfig {
    switch self {
    case .mlpGAN:
      var c = TrainingConfig()
      c.latentDimension = 2
      c.width = 128
      c.batchSize = 256
      // The same loss as torch_bench.py's (the main job's default is hinge).
      c.loss = .nonSaturating
      return c
    case .dcgan, .wganGP:
      var c = TrainingConfig.fashionDCGAN
      c.latentDimension = 128
      c.width = 64
      if self == .wganGP {
        c.loss = .wganGP
        c.discriminatorSteps = 1
        c.generatorSettings = OptimizerSettings(learningRate: 1e-4, beta1: 0.5, beta2: 0.9)
        c.discriminatorSettings = OptimizerSettings(learningRate: 1e-4, beta1: 0.5, beta2: 0.9)
      }
      return c
    case .theory:
      return TrainingConfig.theorySetting
    }
  }

  /// A trainer ready to run iterations of this workload. The image workloads train on random stand-in
  /// images in [-1, 1] (16 batches, drawn at random), so that no data set is needed and the data
  /// loading PyTorch's side does not do stays out of the measurement.
  public func makeTrainer(seed: UInt64 = 0) throws -> Trainer {
    var config = self.config
    config.seed = seed
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("graft-bench-unused")
    guard self == .dcgan || self == .wganGP else { return try Trainer(config: config, directory: directory) }
    var rng = RandomGenerator(seed: seed &+ 1)
    let n = config.batchSize
    let pool = (0..<16).map { _ in
      Tensor<Float>(
        randomUniform: [n, 1, config.imageSize, config.imageSize], lowerBound: -1, upperBound: 1, generator: &rng)
    }
    let source = SampledData(generator: rng, channels: 1) { _, g in pool[Int(g.next() % UInt64(pool.count))] }
    return try Trainer(config: config, directory: directory, realData: (source, .images))
  }
}
