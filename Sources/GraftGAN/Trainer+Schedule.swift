import GraftOptimizers
import GraftRun

extension Trainer {
  /// The two players' learning rates at one step.
  struct PlayerRates {
    var generator: Double
    var discriminator: Double
  }

  /// The configured rates times the schedule's multiplier at `step`: what the optimizers step at then
  /// (the rate is an argument of each step, never written into an optimizer).
  func learningRates(atStep step: Int) -> PlayerRates {
    let multiplier = config.resolvedSchedule.multiplier(atStep: step)
    return PlayerRates(
      generator: config.generatorSettings.learningRate * multiplier,
      discriminator: config.discriminatorSettings.learningRate * multiplier)
  }
}
