import Foundation
import GraftIO

/// The shapes of a run's parameters, from the header of its latest checkpoint (the tensors are not
/// read): `generator.0.weight` → [512, 100]. They tell a layer's weight matrix or convolution kernel
/// (rank ≥ 2) from a bias or a batch-norm scale (rank 1), which group names cannot.
public enum ParameterShapes {
  /// Shapes keyed by the checkpoint's tensor names, or empty when the file is missing or unreadable.
  public static func read(_ checkpoint: URL) -> [String: [Int]] {
    guard let header = try? SafeTensorsHeader.read(from: checkpoint) else { return [:] }
    return Dictionary(uniqueKeysWithValues: header.entries.map { ($0.name, $0.shape) })
  }

  /// The shapes under `prefix.` (e.g. "generator"), keyed by the rest of the name ("0.weight").
  public static func player(_ shapes: [String: [Int]], _ prefix: String) -> [String: [Int]] {
    var out: [String: [Int]] = [:]
    for (name, shape) in shapes where name.hasPrefix(prefix + ".") {
      out[String(name.dropFirst(prefix.count + 1))] = shape
    }
    return out
  }
}
