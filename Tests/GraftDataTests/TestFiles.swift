import CGraftZlib
import Foundation

/// A fresh directory under the system's temporary directory, removed by `remove()`.
struct TemporaryDirectory {
  let path: String

  init() throws {
    try self.init(
      path: FileManager.default.temporaryDirectory.appendingPathComponent("graft-data-\(UUID().uuidString)").path)
  }

  /// Creates the directory `path` (and its parents).
  init(path: String) throws {
    self.path = path
    try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
  }

  /// The path of `name` inside the directory.
  func file(_ name: String) -> String { path + "/" + name }

  /// Writes `bytes` to `name` as they are; returns the path.
  @discardableResult
  func write(_ name: String, _ bytes: [UInt8]) throws -> String {
    let target = file(name)
    try Data(bytes).write(to: URL(fileURLWithPath: target))
    return target
  }

  /// Writes `bytes` gzip-compressed (zlib's gzopen / gzwrite) to `name`; returns the path.
  @discardableResult
  func writeGzip(_ name: String, _ bytes: [UInt8]) throws -> String {
    let target = file(name)
    guard let gz = gzopen(target, "wb") else { throw TestFileError("gzopen failed for \(target)") }
    let written = bytes.withUnsafeBytes { gzwrite(gz, $0.baseAddress, UInt32($0.count)) }
    let closed = gzclose(gz)
    guard written == Int32(bytes.count), closed == Z_OK else { throw TestFileError("gzwrite failed for \(target)") }
    return target
  }

  /// The bytes of file `name`.
  func read(_ name: String) throws -> [UInt8] { [UInt8](try Data(contentsOf: URL(fileURLWithPath: file(name)))) }

  func remove() { try? FileManager.default.removeItem(atPath: path) }
}

struct TestFileError: Error, CustomStringConvertible {
  let description: String
  init(_ description: String) { self.description = description }
}
