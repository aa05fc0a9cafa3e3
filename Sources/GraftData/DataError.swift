/// Why a data set could not be read: every message names the file (or directory) and the problem.
public enum DataError: Error, CustomStringConvertible, Equatable, Sendable {
  /// A file that should exist does not.
  case fileNotFound(path: String)
  /// A whole data set is missing from `directory`; `missing` is the first file looked for and not
  /// found, `hint` says how to get the data set.
  case datasetNotFound(name: String, directory: String, missing: String, hint: String)
  /// The file exists but could not be opened or decoded (an I/O or gzip error).
  case unreadable(path: String, reason: String)
  /// The first bytes are not an IDX magic number (0x00 0x00 type rank).
  case badMagic(path: String, bytes: [UInt8])
  /// The IDX element type is not the one required (only 0x08, unsigned byte, is read).
  case unsupportedType(path: String, typeCode: UInt8)
  /// The header is malformed (too short, rank 0, dimensions too large, ...).
  case badHeader(path: String, reason: String)
  /// The body does not hold exactly the bytes the header promises.
  case bodyLengthMismatch(path: String, expected: Int, actual: Int)
  /// A CIFAR-10 batch file whose length is not a positive multiple of the record length.
  case badRecordLength(path: String, length: Int, recordLength: Int)
  /// A label outside the data set's classes.
  case badLabel(path: String, index: Int, value: Int, classCount: Int)
  /// Image and label files disagree on the number of examples (or image size is wrong).
  case inconsistent(path: String, reason: String)
  /// A saved loader state does not fit this loader's data set or configuration.
  case stateMismatch(reason: String)

  /// The Debian hint printed when Fashion-MNIST files are missing.
  public static let fashionMNISTHint =
    "install it with `apt-get install dataset-fashion-mnist` (files under /usr/share/datasets/fashion-mnist) or pass --data-dir"

  public var description: String {
    switch self {
    case .fileNotFound(let path):
      return "\(path): file not found"
    case .datasetNotFound(let name, let directory, let missing, let hint):
      return "\(name) not found in \(directory): \(hint) (missing \(missing))"
    case .unreadable(let path, let reason):
      return "\(path): cannot read: \(reason)"
    case .badMagic(let path, let bytes):
      let hex = bytes.map { "0x" + String($0, radix: 16, uppercase: true).leftPadded(to: 2) }
      return "\(path): not an IDX file: magic bytes \(hex.joined(separator: " ")), expected 0x00 0x00 <type> <rank>"
    case .unsupportedType(let path, let typeCode):
      let name = IDXFile.typeName(typeCode).map { " (\($0))" } ?? " (unknown type code)"
      let hex = String(typeCode, radix: 16, uppercase: true).leftPadded(to: 2)
      return "\(path): IDX element type 0x\(hex)\(name) is not supported; only 0x08 (unsigned byte) is read"
    case .badHeader(let path, let reason):
      return "\(path): bad IDX header: \(reason)"
    case .bodyLengthMismatch(let path, let expected, let actual):
      let what = actual < expected ? "truncated" : "has trailing data"
      return "\(path): \(what): the header's dimensions need \(expected) body bytes, the file has \(actual)"
    case .badRecordLength(let path, let length, let recordLength):
      return "\(path): length \(length) bytes is not a positive multiple of the \(recordLength)-byte record"
    case .badLabel(let path, let index, let value, let classCount):
      return "\(path): label \(value) of example \(index) is outside 0..<\(classCount)"
    case .inconsistent(let path, let reason):
      return "\(path): \(reason)"
    case .stateMismatch(let reason):
      return "loader state does not fit this loader: \(reason)"
    }
  }
}

extension String {
  fileprivate func leftPadded(to width: Int) -> String {
    count >= width ? self : String(repeating: "0", count: width - count) + self
  }
}
