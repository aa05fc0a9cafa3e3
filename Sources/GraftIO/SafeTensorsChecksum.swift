import GraftEngine

// Every safetensors file Graft writes carries the SHA-256 of its data section in the header's metadata,
// so that a flipped bit in a checkpoint's weights (a disk or copy error) is refused on load instead of
// training on, or sampling from, a silently damaged model. The entry is a string like every metadata
// value, so Python's safetensors reads the file as before; files without it (older checkpoints, files
// written by Python) load unchecked.

extension SafeTensorsFile {
  /// The metadata key of the data section's SHA-256 (64 lowercase hex digits). `write(to:)` sets it;
  /// `read(from:)` checks the data against it and leaves it out of `metadata`.
  public static let checksumKey = "graft.sha256"

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
  /// is one, and returns the metadata without it.
  ///
  /// Throws `GraftIOError.checksumMismatch` when the data's SHA-256 differs from the one written.
  static func verifiedMetadata(
    _ metadata: [String: String], data: UnsafeRawBufferPointer, source: String
  ) throws -> [String: String] {
    guard let expected = metadata[checksumKey] else { return metadata }
    let hash = SHA256()
    hash.update(data)
    let found = hash.hexDigest()
    guard found == expected.lowercased() else {
      throw GraftIOError.checksumMismatch(file: source, expected: expected, found: found)
    }
    var rest = metadata
    rest[checksumKey] = nil
    return rest
  }
}
