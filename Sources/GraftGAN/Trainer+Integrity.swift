import Foundation
import GraftEngine
import GraftIO
import GraftLayers
import GraftOptimizers
import GraftRun

// What keeps a damaged model out of a run: weights that stopped being finite stop training before they
// are checkpointed, and a checkpoint saved with another optimizer is refused on load. (Damaged bytes are
// refused by the checkpoint's checksum; see `RunDirectory.loadCheckpoint`.)

extension Trainer {
  /// Metadata keys of the players' optimizer kinds (`Optimizer.kind`).
  static let generatorOptimizerKey = "graft.optimizer.generator"
  static let discriminatorOptimizerKey = "graft.optimizer.discriminator"

  /// Records the optimizers' kinds in `file`.
  func recordOptimizers(in file: inout Checkpoint) {
    file.metadata[Self.generatorOptimizerKey] = generatorOptimizer.kind
    file.metadata[Self.discriminatorOptimizerKey] = discriminatorOptimizer.kind
  }

  /// Refuses `file` when it was saved by a run with other optimizers than this one's (checkpoints
  /// written before the kinds were recorded pass).
  func checkOptimizers(of file: Checkpoint) throws {
    for (player, key, optimizer) in [
      ("generator", Self.generatorOptimizerKey, generatorOptimizer),
      ("discriminator", Self.discriminatorOptimizerKey, discriminatorOptimizer),
    ] {
      guard let saved = file.metadata[key], saved != optimizer.kind else { continue }
      throw TrainingError(
        message: "\(file.source) was saved with the \(player) optimizer \(saved), but this run's config says "
          + "\(optimizer.kind); resume it with \(saved), or start a new run to train with \(optimizer.kind)")
    }
  }

  /// Stops the run when a weight is no longer finite. The gradient and update norms checked every step
  /// miss weights that overflow as finite updates pile up, and the losses miss NaN weights behind a
  /// ReLU; a pass over the weights every log interval (and before each checkpoint) is cheap.
  func checkParametersFinite() throws {
    var players = [("generator", self.players.generator), ("discriminator", self.players.discriminator)]
    if let ema { players.append(("generator's moving average", ema)) }
    for (player, model) in players {
      if let name = model.namedParameters.first(where: { !$0.value.isAllFinite })?.name {
        throw stopped("the \(player)'s weight \(name) is no longer finite. It was not written", atStep: step)
      }
    }
  }

  func checkFinite(_ value: Float, _ player: String) throws {
    guard value.isFinite else {
      throw stopped("the \(player) loss is \(value). Nothing was updated with it")
    }
  }

  /// A step whose gradient or update is not finite has left NaN or infinite weights. The loss alone
  /// does not show it: ReLU and the hinge loss map NaN to 0, so a run could go on (and checkpoint)
  /// with NaN weights and finite losses.
  func checkFinite(_ diagnostics: StepDiagnostics, _ player: String) throws {
    for (i, group) in diagnostics.groups.enumerated() {
      let (g, u) = (diagnostics.gradientNorms[i], diagnostics.updateNorms[i])
      guard g.isFinite && u.isFinite else {
        throw stopped(
          "the \(player)'s \(g.isFinite ? "update" : "gradient") for \(group) has norm \(g.isFinite ? u : g), "
            + "so its weights are no longer finite. They were not written")
      }
    }
  }

  /// A run stopped at `atStep` (by default the step being taken) by a non-finite value. Resuming it would
  /// replay the same step from the same checkpoint with the same saved config, so the advice is a new run,
  /// from this run's config, with a lower rate.
  func stopped(_ what: String, atStep: Int? = nil) -> TrainingError {
    let checkpoint =
      FileManager.default.fileExists(atPath: run.latestCheckpoint.path)
      ? "the last good checkpoint is \(run.latestCheckpoint.path) (for graft sample and evaluate)"
      : "no checkpoint had been written"
    let at = atStep ?? step + 1
    return TrainingError(
      message: "training stopped at step \(at): \(what); \(checkpoint). Resuming would repeat "
        + "this step; start a new run with a lower learning rate: graft train --config \(run.config.path) "
        + "--lr <lower> --out <new directory>", divergedAtStep: at)
  }
}
