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

  /// Records the optimizers' kinds, hyperparameters and groupings in `file`.
  func recordOptimizers(in file: inout Checkpoint) {
    for (key, optimizer, settings, grouping) in optimizerRecords {
      file.metadata[key] = optimizer.kind
      file.metadata[key + ".settings"] = Self.encoded(settings)
      file.metadata[key + ".grouping"] = grouping.rawValue
    }
  }

  /// Refuses `file` when it was saved by a run with other optimizers than this one's: another kind, other
  /// hyperparameters or another grouping (what a checkpoint did not record yet, an older one's, passes).
  func checkOptimizers(of file: Checkpoint) throws {
    for (key, optimizer, settings, grouping) in optimizerRecords {
      let player = key.hasSuffix("generator") ? "generator" : "discriminator"
      if let saved = file.metadata[key], saved != optimizer.kind {
        throw TrainingError(
          message: "\(file.source) was saved with the \(player) optimizer \(saved), but this run's config says "
            + "\(optimizer.kind); resume it with \(saved), or start a new run to train with \(optimizer.kind)")
      }
      if let text = file.metadata[key + ".settings"],
        let saved = try? JSONDecoder().decode(OptimizerSettings.self, from: Data(text.utf8)), saved != settings
      {
        let differing = Self.differences(saved, settings)
        throw TrainingError(
          message:
            "\(file.source) was saved with other \(player) optimizer settings than config.json's (\(differing)); "
            + "put them back in config.json to resume, or start a new run with the new ones: graft train --config "
            + "\(run.config.path) --out <new directory>")
      }
      if let saved = file.metadata[key + ".grouping"], saved != grouping.rawValue {
        throw TrainingError(
          message: "\(file.source) was saved with the \(player)'s parameters grouped by \(saved), but config.json "
            + "groups them by \(grouping.rawValue); put it back to resume, or start a new run")
      }
    }
  }

  private var optimizerRecords:
    [(key: String, optimizer: any Optimizer, settings: OptimizerSettings, grouping: Grouping)]
  {
    let (g, d) = (game.state.generatorOptimizer, game.state.discriminatorOptimizer)
    return [
      (Self.generatorOptimizerKey, g.optimizer, config.generatorSettings, g.grouping),
      (Self.discriminatorOptimizerKey, d.optimizer, config.discriminatorSettings, d.grouping),
    ]
  }

  private static func encoded(_ settings: OptimizerSettings) -> String {
    let encoder = JSONEncoder()
    encoder.outputFormatting = .sortedKeys
    return String(decoding: (try? encoder.encode(settings)) ?? Data(), as: UTF8.self)
  }

  /// "lr 0.001 in the checkpoint, 0.01 in config.json, ..." for the settings that differ.
  private static func differences(_ saved: OptimizerSettings, _ now: OptimizerSettings) -> String {
    let fields: [(String, KeyPath<OptimizerSettings, Double>)] = [
      ("learningRate", \.learningRate), ("beta1", \.beta1), ("beta2", \.beta2), ("epsilon", \.epsilon),
      ("momentum", \.momentum), ("weightDecay", \.weightDecay), ("alpha", \.alpha),
    ]
    return fields.filter { saved[keyPath: $0.1] != now[keyPath: $0.1] }
      .map { "\($0.0) \(saved[keyPath: $0.1]) in the checkpoint, \(now[keyPath: $0.1]) in config.json" }
      .joined(separator: "; ")
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

  /// A run stopped at `atStep` (by default the step being taken) by a non-finite value. Resuming it would
  /// replay the same step from the same checkpoint with the same saved config, so the advice is a new run,
  /// from this run's config, with a lower rate.
  func stopped(_ what: String, atStep: Int? = nil) -> TrainingError {
    let latest = run.latestCheckpoint
    let checkpoint: String
    if !FileManager.default.fileExists(atPath: latest.path) {
      checkpoint = "no checkpoint had been written"
    } else if (try? SafeTensorsHeader.read(from: latest).metadata[SafeTensorsFile.checksumKey]) == nil {
      // Resumed from a file without Graft's checksum: it loaded finite, but a changed weight would not show.
      checkpoint =
        "the last checkpoint is \(latest.path), but it carries no checksum, so it cannot be called good: "
        + "a weight changed after it was written would not show"
    } else {
      checkpoint = "the last good checkpoint is \(latest.path) (for graft sample and evaluate)"
    }
    let at = atStep ?? step + 1
    return TrainingError(
      message: "training stopped at step \(at): \(what); \(checkpoint). Resuming would repeat "
        + "this step; start a new run with a lower learning rate: graft train --config \(run.config.path) "
        + "--lr <lower> --out <new directory>", divergedAtStep: at)
  }
}
