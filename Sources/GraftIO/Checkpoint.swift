import Foundation
import GraftEngine

/// Named float32 tensors and string metadata, saved as a safetensors file: the general container that
/// model and optimizer checkpoints are built on.
///
/// It knows nothing of layers or optimizers: callers choose the tensor names (e.g.
/// "generator.fc.weight", "adam.m.generator.fc.weight") and the metadata keys. Numbers that are not
/// tensors (a step count, random generator state) go in the metadata as decimal strings, through the
/// typed helpers below. The file opens in Python with `safetensors.numpy.load_file` or
/// `safetensors.torch.load_file`.
public struct Checkpoint: Sendable {
  /// The tensors, in order. Names should be unique; `save(to:)` rejects duplicates.
  public var tensors: [(name: String, tensor: Tensor<Float>)]
  /// Free-form string metadata.
  public var metadata: [String: String]
  /// How error messages name this checkpoint: its path when it was loaded from disk.
  public var source: String
  /// What loading it checked (`.whole` for every checkpoint Graft writes now; `.data` for older ones,
  /// whose metadata is unchecked; `.none` for one built in memory or written outside Graft).
  public var verification: SafeTensorsFile.Verification = .none

  public init(
    tensors: [(name: String, tensor: Tensor<Float>)] = [], metadata: [String: String] = [:],
    source: String = "the checkpoint"
  ) {
    self.tensors = tensors
    self.metadata = metadata
    self.source = source
  }

  /// The tensor names, in order.
  public var names: [String] { tensors.map(\.name) }

  /// The tensor called `name`, or nil. Setting a new name appends it; setting an existing name replaces
  /// its tensor in place; setting nil removes it.
  public subscript(name: String) -> Tensor<Float>? {
    get { tensors.first { $0.name == name }?.tensor }
    set {
      let index = tensors.firstIndex { $0.name == name }
      switch (index, newValue) {
      case (let index?, let tensor?): tensors[index].tensor = tensor
      case (nil, let tensor?): tensors.append((name, tensor))
      case (let index?, nil): tensors.remove(at: index)
      case (nil, nil): break
      }
    }
  }

  /// The tensor called `name`, which must have shape `shape`.
  ///
  /// Throws `GraftIOError.missingTensor` (listing the names there are) or `.shapeMismatch`, naming
  /// the file the checkpoint was loaded from.
  public func tensor(_ name: String, shape: [Int]) throws -> Tensor<Float> {
    guard let tensor = self[name] else {
      throw GraftIOError.missingTensor(file: source, tensor: name, available: names)
    }
    guard tensor.shape == shape else {
      throw GraftIOError.shapeMismatch(file: source, tensor: name, found: tensor.shape, expected: shape)
    }
    return tensor
  }

  /// Saves the checkpoint to `url` as safetensors (F32 tensors, in order), atomically: the path holds
  /// either its old contents or the whole new checkpoint.
  ///
  /// Throws `GraftIOError.invalidContent` for a duplicate or reserved tensor name, or `.unwritable`.
  public func save(to url: URL) throws {
    var file = SafeTensorsFile(metadata: metadata)
    for (name, tensor) in tensors {
      guard file[name] == nil else {
        throw GraftIOError.invalidContent(
          file: url.path, problem: "the tensor name '\(name)' appears more than once; names must be unique")
      }
      file[name] = .float(tensor)
    }
    try file.write(to: url)
  }

  /// Loads a checkpoint from the safetensors file at `url`; error messages will name that path.
  ///
  /// Throws what `SafeTensorsFile.read(from:)` throws, and `GraftIOError.dtypeMismatch` for an F64
  /// tensor (read such files with `SafeTensorsFile`).
  public static func load(from url: URL) throws -> Checkpoint {
    let file = try SafeTensorsFile.read(from: url)
    let tensors = try file.entries.map { entry in
      guard case .float(let tensor) = entry.tensor else {
        throw GraftIOError.dtypeMismatch(
          file: file.source, tensor: entry.name, found: entry.tensor.dtype, expected: "F32 (Checkpoint holds float32)")
      }
      return (name: entry.name, tensor: tensor)
    }
    var checkpoint = Checkpoint(tensors: tensors, metadata: file.metadata, source: file.source)
    checkpoint.verification = file.verification
    return checkpoint
  }
}

// MARK: - Typed metadata

extension Checkpoint {
  /// Stores `value` (a step or epoch count, ...) under `key` as a decimal string.
  public mutating func setInt(_ value: Int, forKey key: String) {
    metadata[key] = String(value)
  }

  /// The integer stored under `key` by `setInt(_:forKey:)`.
  ///
  /// Throws `GraftIOError.missingMetadata` or `.invalidMetadata` when the entry is not a decimal integer.
  public func int(forKey key: String) throws -> Int {
    let text = try metadataValue(key)
    guard let value = Int(text) else {
      throw GraftIOError.invalidMetadata(file: source, key: key, value: text, expected: "a decimal integer")
    }
    return value
  }

  /// Stores `words` under `key` as comma-separated decimals, e.g. "1,2,3"; exact for every UInt64,
  /// where a JSON or Double representation would round values above 2⁵³.
  public mutating func setWords(_ words: [UInt64], forKey key: String) {
    metadata[key] = words.map(String.init).joined(separator: ",")
  }

  /// The words stored under `key` by `setWords(_:forKey:)`.
  ///
  /// Throws `GraftIOError.missingMetadata` or `.invalidMetadata`.
  public func words(forKey key: String) throws -> [UInt64] {
    let text = try metadataValue(key)
    if text.isEmpty { return [] }
    return try text.split(separator: ",", omittingEmptySubsequences: false).map { part in
      guard let word = UInt64(part) else {
        throw GraftIOError.invalidMetadata(
          file: source, key: key, value: text, expected: "comma-separated unsigned 64-bit decimal integers")
      }
      return word
    }
  }

  /// Stores the state of `generator` under `key` (its four state words, see `setWords(_:forKey:)`),
  /// so that a resumed run draws the same numbers it would have drawn.
  public mutating func setGenerator(_ generator: RandomGenerator, forKey key: String) {
    setWords(generator.stateWords, forKey: key)
  }

  /// The random generator stored under `key` by `setGenerator(_:forKey:)`, in the same state.
  ///
  /// Throws `GraftIOError.missingMetadata` or `.invalidMetadata` unless the entry is four words that
  /// are not all zero.
  public func generator(forKey key: String) throws -> RandomGenerator {
    let words = try words(forKey: key)
    guard words.count == 4, words.contains(where: { $0 != 0 }) else {
      throw GraftIOError.invalidMetadata(
        file: source, key: key, value: metadata[key] ?? "",
        expected: "4 comma-separated random generator state words, not all zero")
    }
    return RandomGenerator(stateWords: words)
  }

  private func metadataValue(_ key: String) throws -> String {
    guard let text = metadata[key] else {
      throw GraftIOError.missingMetadata(file: source, key: key, available: Array(metadata.keys))
    }
    return text
  }
}
