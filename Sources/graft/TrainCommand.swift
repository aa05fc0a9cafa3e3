import ArgumentParser
import Foundation
import GraftGAN
import GraftOptimizers

/// `graft train`: a preset, a config file and settings as flags, in that order, each overriding the last.
struct TrainCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "train",
    abstract: "Train a GAN (default: the main job, ring8 MLP with Adam, about 10 s on 2 cores).",
    discussion: TrainingOptions.help
  )

  @OptionGroup var training: TrainingOptions
  @Option(help: "Run directory (default: runs/<preset or dataset>-<optimizers>-seed<seed>).") var out: String?
  @Option(help: "Continue the run in this directory from its latest checkpoint, with its own config.json.")
  var resume: String?

  mutating func run() throws {
    if let resume {
      guard training.isEmpty else {
        throw ValidationError(
          "--resume continues a run with the settings in its config.json, so it takes no other settings; "
            + "to change them, start a new run: graft train --config \(resume)/config.json <changes> --out <new directory>"
        )
      }
      let trainer = try Trainer.resume(URL(fileURLWithPath: resume))
      print("graft: resuming \(resume) at step \(trainer.step) of \(trainer.config.steps)")
      try finish(trainer)
      return
    }
    let settings = try training.resolved()
    let directory =
      out
      ?? freshDirectory(
        "runs/\(training.preset ?? settings.dataset.rawValue)-\(settings.generatorOptimizer)-\(settings.discriminatorOptimizer)-seed\(settings.seed)"
      )
    let url = URL(fileURLWithPath: directory)
    // A directory holding only this run's prepared config.json (a sweep writes one before it runs
    // `train --config D/config.json --out D`) is the run, not started yet.
    do {
      try RunDirectory(url).checkCanStart(settings)
    } catch RunStartConflict.started {
      throw ValidationError(
        "\(directory) already holds a run; continue it with --resume \(directory) or choose another --out")
    } catch RunStartConflict.differentConfig(let keys) {
      throw ValidationError(
        "\(directory)/config.json was prepared for another run (it differs in \(keys.joined(separator: ", "))); "
          + "train that one with --config \(directory)/config.json --out \(directory), or choose another --out")
    } catch let conflict as RunStartConflict {
      throw ValidationError("\(directory): \(conflict); choose another --out")
    }
    let trainer = try Trainer(config: settings, directory: url)
    print(
      "graft: training \(settings.dataset.rawValue)/\(settings.model.rawValue), loss \(settings.loss.rawValue), G \(settings.generatorOptimizer) (lr \(settings.generatorSettings.learningRate)), D \(settings.discriminatorOptimizer) (lr \(settings.discriminatorSettings.learningRate)), \(settings.steps) steps, seed \(settings.seed) → \(directory)"
    )
    try finish(trainer)
  }

  private func finish(_ trainer: Trainer) throws {
    attachImageEvaluator(to: trainer)
    do {
      let summary = try trainer.train()
      print(
        String(
          format: "graft: done: %d steps in %.1f s (%.1f steps/s), loss D %.4f G %.4f", summary.steps,
          summary.wallSeconds, summary.stepsPerSecond, summary.discriminatorLoss, summary.generatorLoss))
      if let m = summary.mixture {
        print(
          String(
            format: "graft: modes covered %d of %d, high-quality samples %.1f%%, KL to uniform %.3f", m.modesCovered,
            m.modeCount, m.highQualityShare * 100, m.klToUniform))
      }
      if let t = summary.theory {
        print(
          "graft: modes recovered \(t.modesRecovered) of \(t.bestCosines.count); best cosine per mode \(t.bestCosines.map { String(format: "%.3f", $0) }.joined(separator: ", "))"
        )
      }
      print("graft: results in \(trainer.run.url.path) (summary.json, metrics.jsonl, samples/, checkpoints/)")
    } catch let error as TrainingError {
      FileHandle.standardError.write(Data("graft: \(error.message)\n".utf8))
      throw ExitCode(2)
    }
  }
}

/// `base`, or `base-2`, `base-3`, … : the first that holds no run yet, so that repeated runs never clash.
func freshDirectory(_ base: String) -> String {
  var candidate = base
  var n = 2
  while FileManager.default.fileExists(atPath: candidate + "/config.json") {
    candidate = "\(base)-\(n)"
    n += 1
  }
  return candidate
}
