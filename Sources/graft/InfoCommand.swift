import ArgumentParser
import Foundation
import GraftGAN
import GraftOptimizers

/// `graft info`: what can be trained, with what, and the defaults.
struct InfoCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "info", abstract: "List data sets, models, losses, optimizers and presets with their defaults.")

  func run() throws {
    let d = TrainingConfig()
    print("Data sets:")
    let datasets = [
      ("ring8", "8 Gaussians on a circle of radius 2, std 0.02"),
      ("grid25", "25 Gaussians on a 5x5 grid, spacing 2, std 0.05"),
      ("theory", "the paper's synthetic setting: K orthogonal modes in R^d plus noise (--theory-* flags)"),
      ("fashion-mnist", "Fashion-MNIST from Debian's dataset-fashion-mnist (/usr/share/datasets/fashion-mnist)"),
      ("cifar10", "CIFAR-10 binary batches from --data-dir (not downloadable here)"),
    ]
    for (name, text) in datasets { print("  \(name.padding(toLength: 15, withPad: " ", startingAt: 0)) \(text)") }
    print("Models:")
    let models = [
      ("mlp", "2-D data: G latent→W→W→2, D 2→W→W→1, ReLU (W = --width, default \(d.width))"),
      ("dcgan", "28/32 px: transposed convs with BN in G; strided convs, LeakyReLU 0.2 in D (no BN for wgan-gp)"),
      ("resnet", "32 px: WGAN-GP ResNet generator and critic, width --width"),
      ("theory", "synthetic: linear generator with one-hot codes, cubic discriminator"),
    ]
    for (name, text) in models { print("  \(name.padding(toLength: 15, withPad: " ", startingAt: 0)) \(text)") }
    print(
      "Losses: " + GANLoss.allCases.map(\.rawValue).joined(separator: ", ")
        + " (default \(d.loss.rawValue); wgan-gp λ = \(d.gradientPenaltyWeight))")
    print("Optimizers (--optimizer, --g-optimizer, --d-optimizer; default \(d.generatorOptimizer)):")
    for (name, text) in OptimizerCatalog.descriptions {
      print("  \(name.padding(toLength: 15, withPad: " ", startingAt: 0)) \(text)")
    }
    print("  graft:M:D       any pair from \(OptimizerCatalog.baseNames.joined(separator: ", ")), e.g. graft:adam:sgd")
    let s = d.generatorSettings
    print(
      "  defaults: lr \(s.learningRate), beta1 \(s.beta1), beta2 \(s.beta2), eps \(s.epsilon), momentum \(s.momentum); grouping per tensor (--grouping tensor|module|global)"
    )
    print("Presets (--preset):")
    for p in TrainingConfig.presets {
      print("  \(p.name.padding(toLength: 15, withPad: " ", startingAt: 0)) \(p.summary)")
    }
    print(
      "Defaults: steps \(d.steps), batch \(d.batchSize), latent \(d.latentDimension), n_dis \(d.discriminatorSteps), seed \(d.seed)"
    )
    // What a run's numbers depend on besides its settings (also in every config.json and summary.json).
    print("This build and machine: \(Provenance.current.line)")
  }
}
