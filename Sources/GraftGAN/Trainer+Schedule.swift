import GraftOptimizers
import GraftRun

extension Trainer {
  /// The two players' learning rates at one step.
  struct PlayerRates {
    var generator: Double
    var discriminator: Double

    /// `config`'s rates times its schedule's multiplier at `step`: what the optimizers step at then (the
    /// rate is an argument of each step, never written into an optimizer).
    init(_ config: TrainingConfig, atStep step: Int) {
      let multiplier = config.resolvedSchedule.multiplier(atStep: step)
      generator = config.generatorSettings.learningRate * multiplier
      discriminator = config.discriminatorSettings.learningRate * multiplier
    }
  }
}
