import Foundation

/// The shapes of a run's parameters, from the JSON header of its latest checkpoint (the tensors are
/// not read): `generator.0.weight` → [512, 100]. They tell a layer's weight matrix or convolution
/// kernel (rank ≥ 2) from a bias or a batch-norm scale (rank 1), which group names cannot.
public enum ParameterShapes {
  /// Shapes keyed by the checkpoint's tensor names, or empty when the file is missing or unreadable.
  public static func read(_ checkpoint: URL) -> [String: [Int]] {
    guard let handle = try? FileHandle(forReadingFrom: checkpoint) else { return [:] }
    defer { try? handle.close() }
    guard let lengthBytes = try? handle.read(upToCount: 8), lengthBytes.count == 8 else { return [:] }
    let length = lengthBytes.enumerated().reduce(UInt64(0)) { $0 | UInt64($1.element) << (8 * UInt64($1.offset)) }
    guard length > 0, length < 100_000_000, let header = try? handle.read(upToCount: Int(length)),
      header.count == Int(length), case .object(let entries)? = try? JSONValue.parse(header)
    else { return [:] }
    var shapes: [String: [Int]] = [:]
    for (name, entry) in entries where name != "__metadata__" {
      guard case .array(let dims)? = entry["shape"] else { continue }
      let shape = dims.compactMap { $0.number.map(Int.init) }
      if shape.count == dims.count { shapes[name] = shape }
    }
    return shapes
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
