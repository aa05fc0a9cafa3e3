import Foundation
import GraftOptimizers

/// Settings as programs set them when they build runs (sweeps, experiments): both players at once, and
/// the schedule as it will be trained.
extension TrainingConfig {
  /// Gives both players the optimizer `spec` (as `graft train --optimizer` does).
  public mutating func setOptimizer(_ spec: OptimizerSpec) {
    generatorOptimizer = spec
    discriminatorOptimizer = spec
  }

  /// Gives both players the learning rate `rate` (as `graft train --lr` does).
  public mutating func setLearningRate(_ rate: Double) {
    generatorSettings.learningRate = rate
    discriminatorSettings.learningRate = rate
  }

  /// The config with its schedule's total steps resolved (0 reads as the run's `steps`), as
  /// `graft train` resolves it and the trainer writes it.
  public var scheduleResolved: TrainingConfig {
    var c = self
    c.schedule = resolvedSchedule
    return c
  }
}
