import GraftOptimizers
import GraftRun

extension TrainingConfig {
  /// Gives both players the optimizer an experiment's arm is named after. Arms are named by the
  /// experiments themselves, always after an optimizer, so a name that is not one is a bug here.
  mutating func setOptimizer(arm name: String) {
    guard let spec = try? OptimizerSpec(parsing: name) else {
      preconditionFailure("experiment arm '\(name)' is not an optimizer name")
    }
    setOptimizer(spec)
  }
}
