import Foundation
import GraftIO

extension RunDirectory {
  /// Loads `file`, a checkpoint of this run. A damaged one (its bytes no longer match their checksum, it
  /// is cut short or unparsable, or it holds a NaN or infinite value) is refused by name, offering the
  /// newest intact step checkpoint of the run to go on from.
  public func loadCheckpoint(_ file: URL) throws -> Checkpoint {
    let damage: String
    do {
      let checkpoint = try Checkpoint.load(from: file)
      switch checkpoint.verification {
      case .whole: break
      case .data:
        FileHandle.standardError.write(
          Data(
            ("graft: note: \(file.path) predates checksums of a checkpoint's metadata: its tensors are verified, "
              + "its step and settings are not\n").utf8))
      case .none:
        FileHandle.standardError.write(
          Data(
            ("graft: note: \(file.path) carries no checksum (written outside Graft, or by a Graft before "
              + "checksums): neither its tensors nor its step and settings can be verified\n").utf8))
      }
      guard let tensor = checkpoint.firstNonFiniteTensor else { return checkpoint }
      damage = "\(file.path) is corrupt: tensor '\(tensor)' holds a NaN or infinite value, which Graft never saves"
    } catch let error as GraftIOError {
      switch error {
      case .checksumMismatch, .headerChecksumMismatch, .malformed, .truncated: damage = error.description
      default: throw error
      }
    }
    throw TrainingError(message: damage + "; " + fallbackAdvice(replacing: file))
  }

  /// Where to go on from when `damaged` cannot be loaded: the newest step checkpoint that loads intact.
  private func fallbackAdvice(replacing damaged: URL) -> String {
    let candidates = stepCheckpoints().reversed().filter { $0.standardizedFileURL != damaged.standardizedFileURL }
    let intact = candidates.first { url in
      guard let checkpoint = try? Checkpoint.load(from: url) else { return false }
      return checkpoint.firstNonFiniteTensor == nil
    }
    guard let intact else {
      return "the run has no other intact checkpoint (checkpoints/step-N files), so it has to start again"
    }
    if damaged.standardizedFileURL == latestCheckpoint.standardizedFileURL {
      return "the newest intact one is \(intact.lastPathComponent); to go on from it, copy it over the latest: "
        + "cp \(intact.path) \(latestCheckpoint.path)"
    }
    return "the newest intact checkpoint of the run is \(intact.path)"
  }
}
