import ArgumentParser
import Foundation
import GraftGAN
import GraftSweep

/// Where the runs of a command that trains many are executed.
enum ExecutorKind: String, ExpressibleByArgument, CaseIterable {
  /// `graft` processes on this machine (`LocalProcessPool`).
  case local
  /// A Slurm job array (`SlurmExecutor`).
  case slurm
}

/// How a command that trains many runs executes them. Shared by `sweep` and `reproduce`.
struct RunnerOptions: ParsableArguments {
  @Option(help: "Where runs train: local (processes on this machine) or slurm (a job array, one task per run).")
  var executor: ExecutorKind = .local
  @Option(
    help: ArgumentHelp(
      "Training runs at a time: locally each gets its share of the cores (default 2); under Slurm, at most this many "
        + "array tasks run at once (default: as many as the cluster gives).",
      valueName: "n"))
  var parallel: Int?
  @Flag(
    help: ArgumentHelp(
      "Run again the runs that failed before (they have a failed.json); each attempt writes a log of its own "
        + "(train.1.log, ... locally; slurm-<job>.log under Slurm)."))
  var retryFailed = false
  @Flag(
    help: ArgumentHelp(
      "With --retry-failed: resume the runs that diverged (a loss or weight stopped being finite) from their last "
        + "checkpoint; without it they start again from their config, the diverged attempt kept in attempt-N/."))
  var resume = false

  @Option(help: "Slurm: the partition (default: the cluster's).") var partition: String?
  @Option(help: "Slurm: each task's time limit, e.g. 30 (minutes), 2:00:00, 1-12:00 (default: the partition's).")
  var time: String?
  @Option(help: "Slurm: CPUs per task, also each run's threads.") var cpusPerTask: Int = 1
  @Option(help: "Slurm: memory per task, e.g. 4G (default: the cluster's).") var mem: String?
  @Option(
    help: ArgumentHelp(
      "Slurm: another sbatch option for the job script, as sbatch takes it (repeatable), e.g. --sbatch-option=--qos=high",
      valueName: "option"))
  var sbatchOption: [String] = []
  @Option(
    help:
      "Slurm: how many times a run saves a checkpoint and requeues itself when its time limit is near (SIGUSR2).")
  var maxRequeues: Int = 3
  @Flag(help: "Slurm: print the job script and stop; nothing is written or submitted.") var dryRun = false

  func validate() throws {
    if let parallel, parallel < 1 { throw ValidationError("--parallel must be at least 1, got \(parallel)") }
    if resume && !retryFailed {
      throw ValidationError("--resume applies to the runs --retry-failed runs again; add --retry-failed")
    }
    if executor == .local {
      var slurmOnly: [String] = []
      if partition != nil { slurmOnly.append("--partition") }
      if time != nil { slurmOnly.append("--time") }
      if cpusPerTask != 1 { slurmOnly.append("--cpus-per-task") }
      if mem != nil { slurmOnly.append("--mem") }
      if !sbatchOption.isEmpty { slurmOnly.append("--sbatch-option") }
      if maxRequeues != 3 { slurmOnly.append("--max-requeues") }
      if dryRun { slurmOnly.append("--dry-run") }
      if !slurmOnly.isEmpty {
        throw ValidationError("\(slurmOnly.joined(separator: ", ")) apply to Slurm only; add --executor slurm")
      }
    } else {
      do {
        try slurmOptions.validate()
      } catch let error as SlurmError {
        throw ValidationError(error.description)
      }
    }
  }

  /// The Slurm job options given.
  var slurmOptions: SlurmJobOptions {
    SlurmJobOptions(
      partition: partition, timeLimit: time, cpusPerTask: cpusPerTask, memory: mem, extraOptions: sbatchOption,
      maxRequeues: maxRequeues, maxRunning: parallel)
  }

  /// The runner the options describe: this machine's process pool, or a Slurm job array.
  func makeExecutor() -> any RunExecutor {
    switch executor {
    case .local: LocalProcessPool(parallel: parallel ?? 2, retryFailed: retryFailed, resumeDiverged: resume)
    case .slurm:
      SlurmExecutor(options: slurmOptions, retryFailed: retryFailed, resumeDiverged: resume, dryRun: dryRun)
    }
  }

  /// Runs `body`; when SIGINT or SIGTERM stopped its runs, says which and exits 130 or 143; a Slurm dry run
  /// or error ends it with its one line (exit 0 or 1).
  func stoppable<T>(_ command: String, _ body: () throws -> T) throws -> T {
    do {
      return try body()
    } catch let stop as RunsStopped {
      print("\(command): \(stop)")
      throw ExitCode(stop.exitStatus)
    } catch let dryRun as SlurmDryRun {
      print("\(command): \(dryRun)")
      throw ExitCode.success
    } catch let error as SlurmError {
      FileHandle.standardError.write(Data("graft \(command): \(error)\n".utf8))
      throw ExitCode.failure
    }
  }
}
