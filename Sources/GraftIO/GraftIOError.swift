import Foundation

/// Everything that can go wrong reading or writing a Graft file (safetensors, .npy, checkpoints).
///
/// Every case names the file (`file` is its path, or a description such as "the checkpoint" for data
/// that is not on disk), the tensor or key concerned where there is one, and the message says what to
/// do about it. Print it with `description` (or `localizedDescription`).
public enum GraftIOError: Error, Equatable, Sendable, CustomStringConvertible, LocalizedError {
  /// The file could not be opened or read (missing, permissions, ...); `reason` is the system's.
  case unreadable(file: String, reason: String)
  /// The file could not be written; `reason` is the system's.
  case unwritable(file: String, reason: String)
  /// The bytes do not follow the format: bad magic, a header that is not valid JSON or Python, a
  /// header length beyond the end of the file, overlapping or gapped tensor data, ...
  /// `problem` says what was found and what to do.
  case malformed(file: String, problem: String)
  /// The file ends before the bytes of `tensor` (empty for the array of a .npy file): it needs bytes
  /// `needed` of the data section (the bytes after the header), which has only `available` bytes.
  case truncated(file: String, tensor: String, needed: Range<Int>, available: Int)
  /// `tensor` (empty for the array of a .npy file) is stored with a dtype Graft cannot read; `dtype` is
  /// as the file spells it, e.g. "I64" or "'<f2'".
  case unsupportedDType(file: String, tensor: String, dtype: String)
  /// There is no tensor called `tensor`; `available` lists the names there are, in file order.
  case missingTensor(file: String, tensor: String, available: [String])
  /// `tensor` has shape `found` in the file but the caller expects `expected`.
  case shapeMismatch(file: String, tensor: String, found: [Int], expected: [Int])
  /// `tensor` is stored as `found` (e.g. "F64") but the caller asked for `expected` (e.g. "F32").
  case dtypeMismatch(file: String, tensor: String, found: String, expected: String)
  /// The metadata has no entry `key`; `available` lists the keys there are.
  case missingMetadata(file: String, key: String, available: [String])
  /// The metadata entry `key` holds `value`, which is not `expected` (e.g. "a decimal integer").
  case invalidMetadata(file: String, key: String, value: String, expected: String)
  /// The data section's SHA-256 is `found`, not the `expected` one written with it: the bytes changed
  /// after they were written (a disk, copy or download error, or an edit outside Graft).
  case checksumMismatch(file: String, expected: String, found: String)
  /// The header (metadata, tensor names, shapes, offsets) differs from the one its digest was made of.
  case headerChecksumMismatch(file: String)
  /// What the caller asked to write cannot be written as asked (a reserved or duplicate tensor name).
  case invalidContent(file: String, problem: String)
  /// The pickle inside a PyTorch file names `global` (e.g. "os.system"), a Python callable a state dict
  /// never needs: loading it with `torch.load` could run code, so Graft refuses it.
  case refusedPickleGlobal(file: String, global: String)

  public var description: String {
    switch self {
    case .unreadable(let file, let reason):
      return "cannot read \(file): \(reason)"
    case .unwritable(let file, let reason):
      return "cannot write \(file): \(reason); check that the directory exists, is writable and has space"
    case .malformed(let file, let problem):
      return "\(file): \(problem)"
    case .truncated(let file, let tensor, let needed, let available):
      return "\(file) is truncated: \(subject(tensor)) needs bytes \(needed.lowerBound)..<\(needed.upperBound) "
        + "of the data section but the file has only \(available); the file was cut short (an interrupted "
        + "copy or download?), so save or copy it again"
    case .unsupportedDType(let file, let tensor, let dtype):
      return "\(file): \(subject(tensor)) has dtype \(dtype), which Graft cannot read; convert it to float32 "
        + "before saving (a.astype(np.float32) in NumPy, t.float() in PyTorch)"
    case .missingTensor(let file, let tensor, let available):
      let shown = available.prefix(8).map { "'\($0)'" }.joined(separator: ", ")
      let more = available.count > 8 ? ", … (\(available.count) in all)" : ""
      let has = available.isEmpty ? "it has no tensors" : "it has: \(shown)\(more)"
      return "\(file) has no tensor '\(tensor)'; \(has). Was it saved from a different model or version?"
    case .shapeMismatch(let file, let tensor, let found, let expected):
      return "\(file): tensor '\(tensor)' has shape \(found) in the file but the model expects \(expected); "
        + "was it saved from a model with different sizes?"
    case .dtypeMismatch(let file, let tensor, let found, let expected):
      return "\(file): tensor '\(tensor)' is stored as \(found) but \(expected) was asked for; read it with "
        + "the accessor for \(found) and convert it"
    case .missingMetadata(let file, let key, let available):
      let keys = available.sorted().map { "'\($0)'" }.joined(separator: ", ")
      return "\(file) has no metadata entry '\(key)'; it has: \(available.isEmpty ? "none" : keys)"
    case .invalidMetadata(let file, let key, let value, let expected):
      return "\(file): metadata entry '\(key)' is \"\(value)\", which is not \(expected)"
    case .checksumMismatch(let file, let expected, let found):
      return "\(file) is corrupt: its data has SHA-256 \(found.prefix(12))…, not the \(expected.prefix(12))… "
        + "written with it, so bytes changed on disk or in a copy; use another copy (if you edited the tensors "
        + "on purpose outside Graft, delete the '\(SafeTensorsFile.checksumKey)' metadata entry)"
    case .headerChecksumMismatch(let file):
      return "\(file) is corrupt: its header (metadata such as the step, or the tensors' names, shapes and "
        + "offsets) no longer matches the SHA-256 written with it, so it changed on disk, in a copy or by an "
        + "edit; use another copy (if you edited the metadata on purpose outside Graft, delete the "
        + "'\(SafeTensorsFile.headerChecksumKey)' metadata entry)"
    case .invalidContent(let file, let problem):
      return "cannot write \(file): \(problem)"
    case .refusedPickleGlobal(let file, let global):
      return "\(file): refused: its pickle calls \(global), which a state dict never needs (Graft reads only "
        + "tensors, storages and ordered dicts, and runs no code from a file); it is not a plain state dict, or "
        + "it was tampered with: use the file from its original source"
    }
  }

  public var errorDescription: String? { description }

  /// "tensor 'NAME'", or "the array" for the one unnamed array of a .npy file.
  private func subject(_ tensor: String) -> String {
    tensor.isEmpty ? "the array" : "tensor '\(tensor)'"
  }
}

extension GraftIOError {
  /// Calls `body` with the bytes of the file at `url` (memory-mapped when safe); a file that cannot be
  /// read becomes `.unreadable` with the system's reason.
  static func readingBytes<T>(of url: URL, _ body: (UnsafeRawBufferPointer) throws -> T) throws -> T {
    let data: Data
    do {
      data = try Data(contentsOf: url, options: .mappedIfSafe)
    } catch {
      throw GraftIOError.unreadable(file: url.path, reason: readFailure(url, error))
    }
    return try data.withUnsafeBytes(body)
  }

  /// Why `url` could not be read, in words (Foundation's own message for a directory is "The operation
  /// could not be completed. (NSCocoaErrorDomain error 256.)").
  public static func readFailure(_ url: URL, _ error: any Error) -> String {
    var isDirectory: ObjCBool = false
    if FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory) {
      if isDirectory.boolValue { return "it is a directory, not a file" }
      if !FileManager.default.isReadableFile(atPath: url.path) { return "permission denied" }
    } else {
      return "no such file"
    }
    if let cocoa = error as? CocoaError, cocoa.code == .fileReadNoPermission { return "permission denied" }
    return error.localizedDescription
  }
}
