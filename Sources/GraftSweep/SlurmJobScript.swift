import Foundation
import GraftRun

/// The job-array script a Slurm sweep submits: one array task per run, task i training `runs[i]` with
/// `graft train --prepared D` (started from D/config.json, or resumed from its latest checkpoint when the
/// task was requeued), its output appended to D/slurm-<array job>.log.
///
/// Every path in it is absolute (the nodes do not share the submitter's working directory, only the
/// file system). In `#SBATCH` lines a path is in double quotes (sbatch's own quoting, `\` escapes `"` and
/// `\`); in the shell part in single quotes. The task `exec`s `graft`, so that the signals Slurm sends the
/// batch shell (`--signal=B:USR2@…` before the time limit; SIGTERM on cancellation or preemption) reach
/// `graft` itself.
public struct SlurmJobScript: Sendable, Equatable {
  /// The runs' directories, absolute, in array-task order.
  public var runs: [URL]
  /// The `graft` executable, absolute, on the shared file system.
  public var executable: URL
  /// The directory tasks start in (`--chdir`): where the sweep was started.
  public var workingDirectory: URL
  /// Where each task's batch-shell output goes (%A_%a.out), should the shell itself fail.
  public var outputDirectory: URL
  public var jobName: String
  public var options: SlurmJobOptions

  public init(
    runs: [URL], executable: URL, workingDirectory: URL, outputDirectory: URL, jobName: String = "graft",
    options: SlurmJobOptions
  ) {
    self.runs = runs
    self.executable = executable
    self.workingDirectory = workingDirectory
    self.outputDirectory = outputDirectory
    self.jobName = jobName
    self.options = options
  }

  /// The name of a run's log in its directory, for the array job `job`.
  public static func logName(job: String) -> String { "slurm-\(job).log" }

  /// The script's text.
  public var text: String {
    var lines = ["#!/bin/bash"]
    func sbatch(_ option: String) { lines.append("#SBATCH \(option)") }
    sbatch("--job-name=\(Self.sbatchQuoted(jobName))")
    sbatch("--array=0-\(runs.count - 1)" + (options.maxRunning.map { "%\($0)" } ?? ""))
    sbatch("--cpus-per-task=\(options.cpusPerTask)")
    if let partition = options.partition { sbatch("--partition=\(partition)") }
    if let time = options.timeLimit { sbatch("--time=\(time)") }
    if let memory = options.memory { sbatch("--mem=\(memory)") }
    sbatch("--chdir=\(Self.sbatchQuoted(workingDirectory.path))")
    sbatch("--output=\(Self.sbatchQuoted(Self.literalPattern(outputDirectory.path) + "/%A_%a.out"))")
    // Appended: a requeued task's output follows its first attempt's.
    sbatch("--open-mode=append")
    // Requeueable whatever the cluster's default, so that the task can requeue itself.
    sbatch("--requeue")
    sbatch("--signal=B:USR2@\(options.signalSeconds)")
    for option in options.extraOptions { sbatch(option) }
    lines += [
      "",
      "# Written by graft: array task i trains run i below, each on the shared file system. Near the time limit",
      "# (SIGUSR2) graft saves a checkpoint and requeues its task, at most \(options.maxRequeues) times; on SIGTERM "
        + "it saves one and",
      "# exits. A requeued task (by graft, or by Slurm on preemption) resumes from that checkpoint.",
      "set -eu",
      "runs=(",
    ]
    lines += runs.map { "  " + Self.shellQuoted($0.path) }
    lines += [
      ")",
      "run=${runs[$SLURM_ARRAY_TASK_ID]}",
      "# Until graft handles SIGUSR2 (it does from its first moment), the signal is ignored: by default it would",
      "# end the task without a checkpoint.",
      "trap '' USR2",
      "export OPENBLAS_NUM_THREADS=1",
      "export GRAFT_THREADS=${SLURM_CPUS_PER_TASK:-\(options.cpusPerTask)}",
      "exec \(Self.shellQuoted(executable.path)) train --prepared \"$run\" --requeue-limit \(options.maxRequeues) \\",
      "  >>\"$run/\(Self.logName(job: "$SLURM_ARRAY_JOB_ID"))\" 2>&1",
      "",
    ]
    return lines.joined(separator: "\n")
  }

  /// `text` in single quotes for bash: literal, whatever it holds.
  public static func shellQuoted(_ text: String) -> String {
    "'" + text.replacingOccurrences(of: "'", with: "'\\''") + "'"
  }

  /// `text` in double quotes as sbatch reads an `#SBATCH` line: `\` escapes `\` and `"`, and a `#` inside
  /// the quotes is not a comment.
  public static func sbatchQuoted(_ text: String) -> String {
    "\"" + text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
  }

  /// A path as a literal part of an sbatch file-name pattern (%% is a literal %).
  static func literalPattern(_ path: String) -> String { path.replacingOccurrences(of: "%", with: "%%") }
}
