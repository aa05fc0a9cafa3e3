import GraftEngine

// Every safetensors file Graft writes carries two SHA-256 digests in the header's metadata: one of its
// data section (`graft.sha256`), and one of the rest of the header (`graft.sha256.header`: the metadata,
// the data digest among it, and each tensor's name, dtype, shape and offsets), so that a flipped bit in a
// checkpoint's weights or in its step is refused on load instead of training on, or sampling from, a
// silently damaged run. The entries are strings like every metadata value, so Python's safetensors reads
// the file as before. Files without them (files written by Python) load unchecked, and files with only
// the data digest (Graft's checkpoints before the header digest) load with their metadata unchecked.

extension SafeTensorsFile {
  /// The metadata key of the data section's SHA-256 (64 lowercase hex digits). `write(to:)` sets it;
  /// `read(from:)` checks the data against it and leaves it out of `metadata`.
  public static let checksumKey = "graft.sha256"
  /// The metadata key of the header's SHA-256 (see `headerChecksum`). `write(to:)` sets it; `read(from:)`
  /// checks the header against it and leaves it out of `metadata`.
  public static let headerChecksumKey = "graft.sha256.header"

  /// What reading a file could check of it.
  public enum Verification: Sendable, Equatable {
    /// Nothing: the file carries no digest (written outside Graft).
    case none
    /// Its data only: a file Graft wrote before the header digest; its metadata (a checkpoint's step,
    /// its optimizers' kinds) is unchecked.
    case data
    /// Its data and its whole header.
    case whole
  }

  /// The SHA-256 of a header's content, independent of how its JSON is spelled: each metadata entry
  /// (sorted by key, the header digest's own left out) and each tensor's name, dtype, shape and data
  /// offsets (in data order), every field length-prefixed.
  static func headerChecksum(metadata: [String: String], tensors: [TableRow]) -> String {
    let hash = SHA256()
    func field(_ text: String) {
      let bytes = Array(text.utf8)
      withUnsafeBytes(of: UInt64(bytes.count).littleEndian) { hash.update($0) }
      hash.update(bytes)
    }
    for (key, value) in metadata.sorted(by: { $0.key < $1.key }) where key != headerChecksumKey {
      field(key)
      field(value)
    }
    field("__tensors__")
    for t in tensors {
      field(t.name)
      field(t.dtype)
      field(t.shape.map(String.init).joined(separator: ","))
      field("\(t.begin),\(t.end)")
    }
    return hash.hexDigest()
  }

  /// The SHA-256 of the data section that `entries` (in data order) make.
  static func dataChecksum(_ entries: [Entry]) -> String {
    let hash = SHA256()
    for entry in entries {
      switch entry.tensor {
      case .float(let t): withLittleEndianBytes(of: t.scalars) { hash.update($0) }
      case .double(let t): withLittleEndianBytes(of: t.scalars) { hash.update($0) }
      }
    }
    return hash.hexDigest()
  }

  /// Checks `data`, the data section of the file `source`, against the checksum in `metadata` when there
  /// is one, and returns the metadata without the checksums (the data's and the header's).
  ///
  /// Throws `GraftIOError.checksumMismatch` when the data's SHA-256 differs from the one written.
  static func verifiedMetadata(
    _ metadata: [String: String], data: UnsafeRawBufferPointer, source: String
  ) throws -> [String: String] {
    if let expected = metadata[checksumKey] {
      let hash = SHA256()
      hash.update(data)
      let found = hash.hexDigest()
      guard found == expected.lowercased() else {
        throw GraftIOError.checksumMismatch(file: source, expected: expected, found: found)
      }
    }
    var rest = metadata
    rest[checksumKey] = nil
    rest[headerChecksumKey] = nil
    return rest
  }
}

extension SafeTensorsHeader {
  /// The digest of this header's content (`SafeTensorsFile.headerChecksum`).
  func contentChecksum() -> String {
    SafeTensorsFile.headerChecksum(
      metadata: metadata,
      tensors: layouts.map { ($0.name, $0.dtype, $0.shape, $0.begin, $0.end) })
  }

  /// Checks the header against its digest when it has one, and says what the file's digests cover.
  ///
  /// Throws `GraftIOError.headerChecksumMismatch` when the header changed after it was written.
  func verify(source: String) throws -> SafeTensorsFile.Verification {
    guard metadata[SafeTensorsFile.checksumKey] != nil else { return .none }
    guard let expected = metadata[SafeTensorsFile.headerChecksumKey] else { return .data }
    guard contentChecksum() == expected.lowercased() else {
      throw GraftIOError.headerChecksumMismatch(file: source)
    }
    return .whole
  }
}
