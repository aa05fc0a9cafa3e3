import Foundation
import GraftRun

/// A Slurm task putting itself back in the queue, as submitit and Lightning do: when the time limit is near
/// (SIGUSR2, asked for by the job script's `--signal`), `graft train` saves a checkpoint and requeues its own
/// task with `scontrol requeue`, at most `limit` times (`SLURM_RESTART_COUNT` counts the requeues so far);
/// the requeued task resumes from the checkpoint.
///
/// SIGTERM only saves the checkpoint: it comes from `scancel` as well as from preemption, and a running
/// task cannot tell them apart (the controller shows either as COMPLETING), while a cancelled task that
/// requeued itself would undo the cancel (measured: `scontrol requeue` accepts it). A preemption that
/// requeues is Slurm's own doing (PreemptMode=REQUEUE; the script says `--requeue`), and the requeued task
/// resumes from that checkpoint all the same. submitit treats SIGTERM the same way.
public struct SlurmRequeue: Sendable, Equatable {
  /// The task to requeue: "<array job>_<task>" in a job array, else the job's ID.
  public var task: String
  /// Requeues so far (`SLURM_RESTART_COUNT`, unset on a task's first run).
  public var restarts: Int
  /// Requeues allowed.
  public var limit: Int

  /// The task this process runs in, per Slurm's variables in `environment`; nil outside a Slurm job.
  public init?(environment: [String: String] = ProcessInfo.processInfo.environment, limit: Int) {
    if let array = environment["SLURM_ARRAY_JOB_ID"], let index = environment["SLURM_ARRAY_TASK_ID"] {
      task = "\(array)_\(index)"
    } else if let job = environment["SLURM_JOB_ID"] {
      task = job
    } else {
      return nil
    }
    restarts = environment["SLURM_RESTART_COUNT"].flatMap { Int($0) } ?? 0
    self.limit = limit
  }

  /// Whether another requeue is allowed.
  public var isAllowed: Bool { restarts < limit }

  /// Requeues the task (Slurm then ends this run of it); throws `SlurmError` when `scontrol` refuses, e.g.
  /// for a task being cancelled.
  public func requeue() throws {
    try SlurmClient().requeue(task)
  }
}
