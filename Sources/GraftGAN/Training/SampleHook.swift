import Foundation
import GraftData
import GraftEngine
import GraftLayers
import GraftOptimizers
import GraftRun
import GraftTensorBoard

/// Every `sampleEvery` steps (and at the last): samples/step-NNNNNN.png from the fixed latents, the same
/// picture in TensorBoard, and (`tensorboardHistograms`) histograms of both players' weights.
struct SampleHook: TrainingHook {
  let tensorBoard: EventFileWriter?

  func afterStep(_ trainer: Trainer, _ result: Trainer.IterationResult, elapsed: Double) throws {
    let config = trainer.config
    guard trainer.step % config.sampleEvery == 0 || trainer.step == config.steps else { return }
    if let picture = try trainer.writeSamples() {
      try tensorBoard?.addImage(tag: "samples", png: picture, step: trainer.step)
    }
    if let tensorBoard, config.tensorboardHistograms { try trainer.logWeightHistograms(to: tensorBoard) }
  }
}

extension Trainer {
  /// What a sample picture shows: the data and step, the samples and seed, the optimizers.
  var pictureTitle: [String] {
    func player(_ name: String, _ optimizer: OptimizerSpec, _ rate: Double) -> String {
      "\(name) \(optimizer) lr \(String(format: "%g", rate))"
    }
    return [
      "\(config.dataset.rawValue), step \(step) of \(config.steps)",
      "\(fixedLatents.shape[0]) samples from fixed latents\(ema == nil ? "" : " (EMA)") · seed \(config.seed)",
      player("G", config.generatorOptimizer, config.generatorSettings.learningRate) + " · "
        + player("D", config.discriminatorOptimizer, config.discriminatorSettings.learningRate),
    ]
  }

  /// Writes samples/step-NNNNNN.png; returns its bytes (nil for the synthetic setting, which has no picture).
  func writeSamples() throws -> Data? {
    let fake = withLearningPhase(training: false) { withoutGradients { sampler(fixedLatents) } }
    switch reference {
    case .images:
      try Pictures.writeGrid(fake, title: pictureTitle, to: run.sample(step: step))
    case .mixture(let centers, let std, let extent):
      var g = RandomGenerator(seed: evaluationSeed)
      let real = GaussianMixture(name: config.dataset.rawValue, centers: centers, standardDeviation: std).sample(
        1000, generator: &g)
      try Pictures.writeScatter(
        real: real, generated: fake, centers: centers, extent: extent, title: pictureTitle, to: run.sample(step: step))
    case .theory:
      return nil
    }
    return try Data(contentsOf: run.sample(step: step))
  }
}
