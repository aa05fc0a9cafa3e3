import ArgumentParser
import Foundation
import GraftGAN
import GraftOptimizers
import GraftRun
import GraftSweep

#if canImport(Glibc)
  import Glibc
#endif

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
  @Option(
    help: ArgumentHelp(
      "Train the run prepared in this directory (its config.json, as a sweep writes it): start it, or resume it "
        + "from its latest checkpoint if it has started. How a cluster job trains a sweep's run, first or requeued.",
      valueName: "directory"))
  var prepared: String?
  @Option(
    help: ArgumentHelp(
      "In a Slurm job: on SIGUSR2 (the time limit is near), save a checkpoint and requeue the job's task with "
        + "`scontrol requeue`, at most N times (SLURM_RESTART_COUNT counts them). SIGTERM still only checkpoints.",
      valueName: "N"))
  var requeueLimit: Int?

  func validate() throws {
    if let requeueLimit, requeueLimit < 0 {
      throw ValidationError("--requeue-limit must be 0 or more, got \(requeueLimit)")
    }
    if prepared != nil && (resume != nil || out != nil || !training.isEmpty) {
      throw ValidationError(
        "--prepared D trains the run D/config.json describes, in D; give it alone (without --resume, --out or "
          + "settings)")
    }
  }

  mutating func run() throws {
    // Ctrl-C and SIGTERM finish the step, save a checkpoint and exit 130 / 143 (see `finish`); in a Slurm task
    // that may requeue itself, SIGUSR2 too (and it then requeues).
    Interruption.install(requeueSignal: requeueLimit != nil)
    if let prepared {
      if RunDirectory(URL(fileURLWithPath: prepared)).hasStarted {
        try resumeRun(prepared)
        return
      }
      training.config = RunDirectory(URL(fileURLWithPath: prepared)).config.path
      out = prepared
    }
    if let resume {
      try resumeRun(resume)
      return
    }
    let settings = try training.resolved()
    let claimed =
      try out.map { try Self.claim($0) }
      ?? Self.claimFresh(
        "runs/\(training.preset ?? settings.dataset.rawValue)-\(settings.generatorOptimizer)-\(settings.discriminatorOptimizer)-seed\(settings.seed)"
      )
    let directory = claimed.directory
    let url = URL(fileURLWithPath: directory)
    // A directory holding only this run's prepared config.json (a sweep writes one before it runs
    // `train --config D/config.json --out D`) is the run, not started yet. Checked under the lock, so that
    // no other process can start a run here in between.
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
    let trainer: Trainer
    do {
      trainer = try Trainer(config: settings, directory: url)
    } catch {
      // Nothing was written: a directory made for this run alone goes again.
      if claimed.created { try? FileManager.default.removeItem(at: url) }
      throw error
    }
    trainer.runLock = claimed.lock
    print(
      "graft: training \(settings.dataset.rawValue)/\(settings.model.rawValue), loss \(settings.loss.rawValue), G \(settings.generatorOptimizer) (lr \(settings.generatorSettings.learningRate)), D \(settings.discriminatorOptimizer) (lr \(settings.discriminatorSettings.learningRate)), \(settings.steps) steps, seed \(settings.seed) → \(directory)"
    )
    try finish(trainer)
  }

  /// `--resume D`, with `--steps` the only setting it takes (to extend or shorten the run).
  private func resumeRun(_ resume: String) throws {
    var refused = training.preset == nil ? [] : ["--preset"]
    if training.config != nil { refused.append("--config") }
    let flags = training.settings.filter { $0.hasPrefix("--") && $0.count > 2 }
    refused += flags.map { String($0.prefix { $0 != "=" }) }.filter { $0 != "--steps" }
    guard refused.isEmpty else {
      throw Self.refusal(
        "--resume continues a run with the settings in its config.json; it takes only --steps (to extend the run), "
          + "not \(refused.joined(separator: ", ")). To change settings, start a new run: "
          + "graft train --config \(resume)/config.json <changes> --out <new directory>")
    }
    var steps: Int?
    if !flags.isEmpty {
      var probe = TrainingConfig()
      do {
        try probe.apply(arguments: training.settings.filter { $0 != "--" })
      } catch let error as ConfigError {
        throw Self.refusal(error.message)
      }
      steps = probe.steps
    }
    let trainer: Trainer
    do {
      trainer = try Trainer.resume(URL(fileURLWithPath: resume), steps: steps)
    } catch let error as RunLockedError {
      throw Self.refusal(error.description)
    } catch let error as TrainingError {
      throw Self.refusal(error.message)
    }
    if trainer.step >= trainer.config.steps && FileManager.default.fileExists(atPath: trainer.run.summary.path) {
      print(
        "graft: \(resume) already finished at step \(trainer.step); give --steps M (> \(trainer.step)) to extend it")
      return
    }
    print("graft: resuming \(resume) at step \(trainer.step) of \(trainer.config.steps)")
    try finish(trainer)
  }

  private func finish(_ trainer: Trainer) throws {
    attachImageEvaluator(to: trainer)
    trainer.stopRequested = { Interruption.received != nil }
    do {
      let summary = try trainer.train()
      if summary.status == .interrupted, let signal = Interruption.received {
        FileHandle.standardError.write(
          Data(
            ("graft: stopped by \(Interruption.name(signal)) at step \(summary.steps) of \(trainer.config.steps), "
              + "checkpoint saved; continue with: graft train --resume \(trainer.run.url.path)\n").utf8))
        requeueIfAsked(signal)
        throw ExitCode(Interruption.exitStatus(signal))
      }
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
      let tensorBoard = trainer.config.tensorboard ? ", tensorboard/" : ""
      let files = "summary.json, metrics.jsonl, samples/, checkpoints/" + tensorBoard
      print("graft: results in \(trainer.run.url.path) (\(files))")
    } catch let error as TrainingError {
      FileHandle.standardError.write(Data("graft: \(error.message)\n".utf8))
      throw ExitCode(2)
    }
  }

  /// In a Slurm task with `--requeue-limit`, stopped by SIGUSR2: requeues the task, if the limit allows, so
  /// that it resumes from the checkpoint just saved. Not on SIGTERM: see `SlurmRequeue`.
  private func requeueIfAsked(_ signal: Int32) {
    guard let requeueLimit, signal == SIGUSR2 else { return }
    func say(_ text: String) { FileHandle.standardError.write(Data("graft: \(text)\n".utf8)) }
    guard let requeue = SlurmRequeue(limit: requeueLimit) else {
      say("--requeue-limit: not in a Slurm job (no SLURM_JOB_ID), so not requeued")
      return
    }
    guard requeue.isAllowed else {
      say("Slurm task \(requeue.task) has been requeued \(requeue.restarts) times, the limit; not requeued again")
      return
    }
    // Said first: once the task is requeued, Slurm ends this run of it (SIGTERM, then SIGKILL).
    say(
      "requeueing Slurm task \(requeue.task) (requeue \(requeue.restarts + 1) of at most \(requeueLimit)); "
        + "it resumes from this checkpoint")
    do {
      try requeue.requeue()
    } catch {
      say("not requeued after all: \(error)")
    }
  }

  /// A refusal: one line on stderr, exit status 1.
  static func refusal(_ message: String) -> ExitCode {
    FileHandle.standardError.write(Data("graft: \(message)\n".utf8))
    return ExitCode(1)
  }

  /// `--out`, checked and locked: not empty, not a file, not a directory with other things than a run.
  static func claim(_ out: String) throws -> ClaimedDirectory {
    guard !out.trimmingCharacters(in: .whitespaces).isEmpty else {
      throw refusal("--out is empty; give the run's directory, e.g. --out runs/my-run")
    }
    let url = URL(fileURLWithPath: out)
    var isDirectory: ObjCBool = false
    let existed = FileManager.default.fileExists(atPath: out, isDirectory: &isDirectory)
    if existed && !isDirectory.boolValue {
      throw refusal("--out \(out) is a file; give a directory (a new one, or a Graft run's)")
    }
    if existed && !isRunOrUnused(url) {
      throw refusal(
        "--out \(out) is a directory that holds other files and no Graft run (no config.json); "
          + "choose a new or empty directory")
    }
    do {
      return ClaimedDirectory(directory: out, lock: try RunLock.acquire(url), created: !existed)
    } catch let error as RunLockedError {
      throw refusal(error.description)
    } catch let error as RunLockError {
      throw refusal(error.message)
    }
  }

  /// `base`, or `base-2`, `base-3`, … : the first that holds nothing yet, claimed by taking its lock, so
  /// that runs started together (each checks, then takes) never share a directory.
  static func claimFresh(_ base: String) throws -> ClaimedDirectory {
    for n in 1... {
      let candidate = n == 1 ? base : "\(base)-\(n)"
      let url = URL(fileURLWithPath: candidate)
      var isDirectory: ObjCBool = false
      let existed = FileManager.default.fileExists(atPath: candidate, isDirectory: &isDirectory)
      guard !existed || (isDirectory.boolValue && isUnused(url)) else { continue }
      let lock: RunLock
      do {
        lock = try RunLock.acquire(url)
      } catch is RunLockedError {
        continue
      } catch let error as RunLockError {
        throw refusal(error.message)
      }
      // Another process may have claimed it, started and ended between the check and the lock.
      guard isUnused(url) else { continue }
      return ClaimedDirectory(directory: candidate, lock: lock, created: !existed)
    }
    fatalError("unreachable: 1... does not end")
  }

  /// Whether `url` holds nothing but (maybe) its lock file.
  static func isUnused(_ url: URL) -> Bool {
    let names = (try? FileManager.default.contentsOfDirectory(atPath: url.path)) ?? []
    return names.allSatisfy { $0 == RunLock.fileName }
  }

  /// Whether `url` holds a run (its config.json: prepared, started or finished) or nothing yet.
  static func isRunOrUnused(_ url: URL) -> Bool {
    isUnused(url) || FileManager.default.fileExists(atPath: RunDirectory(url).config.path)
  }
}

/// A run directory `graft train` has locked for a new run.
struct ClaimedDirectory {
  var directory: String
  var lock: RunLock
  /// Whether this process made the directory (then removed if the run fails before it starts).
  var created: Bool
}
