/// How a run's training ended, as summary.json's `status` says it.
public enum RunStatus: String, Codable, Sendable, CaseIterable {
  /// It trained all its steps.
  case finished
  /// A signal (SIGINT, SIGTERM) stopped it; the checkpoint of the step it reached was saved.
  case interrupted
  /// It was asked to stop at an earlier step (`train(stopAt:)`); checkpointed there.
  case stopped
}
