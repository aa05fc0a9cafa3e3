import Foundation

/// A fresh directory `graft-LABEL-<UUID>` under the system's temporary directory. It is left there
/// afterwards, so that a failing test's files can be looked at.
public func temporaryDirectory(_ label: String) -> URL {
  let url = FileManager.default.temporaryDirectory.appendingPathComponent("graft-\(label)-\(UUID().uuidString)")
  try? FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
  return url
}

/// Runs `body` with a fresh empty directory under the system's temporary directory, removed afterwards.
public func withTemporaryDirectory<R>(_ body: (URL) throws -> R) throws -> R {
  let url = FileManager.default.temporaryDirectory.appendingPathComponent("graft-test-\(UUID().uuidString)")
  try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
  defer { try? FileManager.default.removeItem(at: url) }
  return try body(url)
}
