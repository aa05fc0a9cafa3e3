import Foundation

/// A small JSON file a run directory holds about the run's attempts (failed.json, diverged.json,
/// slurm.json): where it lies, read (nil when absent or unreadable), written (pretty-printed, atomically,
/// as every run file), removed.
public protocol RunRecordFile: Codable {
  /// Its name in the run directory.
  static var fileName: String { get }
}

extension RunRecordFile {
  public static func file(in directory: URL) -> URL { directory.appendingPathComponent(fileName) }

  /// The record in `directory`, or nil when there is none.
  public static func read(_ directory: URL) -> Self? {
    guard let data = try? Data(contentsOf: file(in: directory)) else { return nil }
    return try? JSONDecoder().decode(Self.self, from: data)
  }

  public func write(to directory: URL) throws {
    try RunDirectory(directory).writeJSON(self, to: Self.file(in: directory))
  }

  /// Removes the record, if there is one.
  public static func remove(from directory: URL) throws {
    let url = file(in: directory)
    if FileManager.default.fileExists(atPath: url.path) { try FileManager.default.removeItem(at: url) }
  }
}
