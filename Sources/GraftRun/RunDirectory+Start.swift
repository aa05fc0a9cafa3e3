import Foundation

/// Why a new run cannot start in a directory.
public enum RunStartConflict: Error, Equatable, CustomStringConvertible {
  /// Training began there (a checkpoint, metrics or a summary was written): it can only be resumed.
  case started
  /// Its config.json holds another config: the settings (dotted keys) that differ.
  case differentConfig(keys: [String])
  /// Its config.json is not a Graft run config.
  case unreadableConfig(String)

  public var description: String {
    switch self {
    case .started: return "the directory holds a run that has started"
    case .differentConfig(let keys):
      return "the directory's config.json was prepared for another run (it differs in \(keys.joined(separator: ", ")))"
    case .unreadableConfig(let reason): return "the directory's config.json is not a Graft run config: \(reason)"
    }
  }
}

extension RunDirectory {
  /// Whether training began here: a checkpoint, metrics or a summary was written. A directory holding
  /// only a config.json (one prepared for the run, or one the trainer wrote before anything else) has
  /// not started: starting it over loses nothing.
  public var hasStarted: Bool {
    let files = [latestCheckpoint, metrics, summary]
    return files.contains { FileManager.default.fileExists(atPath: $0.path) } || !stepCheckpoints().isEmpty
  }

  /// Writes `config` as config.json in the format the trainer writes, its schedule's total steps
  /// resolved as they will be trained, without provenance (the trainer writes the file again, with it,
  /// when the run starts).
  public func prepare(_ config: TrainingConfig) throws {
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    try writeJSON(SavedConfig(config: config.scheduleResolved, provenance: nil), to: self.config)
  }

  /// config.json as the trainer wrote it (settings and provenance), or nil when there is none. A file that
  /// does not read is refused in one line naming it, what is wrong, and what to do.
  public func readSavedConfig() throws -> SavedConfig? {
    guard let data = FileManager.default.contents(atPath: config.path) else { return nil }
    do {
      return try JSONDecoder().decode(SavedConfig.self, from: data)
    } catch let error as DecodingError {
      throw TrainingError(
        message: "\(config.path) cannot be read as a run's config: \(error.reason); restore it from a copy, or "
          + "start a new run (graft train --out <new directory>)")
    } catch let error as ConfigError {
      throw TrainingError(message: "\(config.path): \(error.message)")
    }
  }

  /// The config in config.json; nil when there is none.
  public func savedConfig() throws -> TrainingConfig? {
    try readSavedConfig()?.config
  }

  /// Checks that a new run of `config` may start here: the directory holds no run, or only a config.json
  /// with this same config (prepared for it: the run has simply not started). Throws `RunStartConflict`.
  public func checkCanStart(_ config: TrainingConfig) throws {
    if hasStarted { throw RunStartConflict.started }
    let prepared: TrainingConfig?
    do {
      prepared = try savedConfig()
    } catch {
      throw RunStartConflict.unreadableConfig("\(error)")
    }
    guard let prepared else { return }
    // A schedule of 0 total steps means the run's steps: the two spell the same run.
    let (a, b) = (prepared.scheduleResolved, config.scheduleResolved)
    if a != b { throw RunStartConflict.differentConfig(keys: Self.differingKeys(a, b)) }
  }

  /// The dotted keys whose values differ between the two configs' JSON forms.
  public static func differingKeys(_ a: TrainingConfig, _ b: TrainingConfig) -> [String] {
    func flattened(_ config: TrainingConfig) -> [String: String] {
      guard let data = try? JSONEncoder().encode(config),
        let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any]
      else { return [:] }
      var result: [String: String] = [:]
      func visit(_ value: Any, _ key: String) {
        if let inner = value as? [String: Any] {
          for (k, v) in inner { visit(v, key.isEmpty ? k : key + "." + k) }
        } else {
          result[key] = "\(value)"
        }
      }
      visit(object, "")
      return result
    }
    let (x, y) = (flattened(a), flattened(b))
    return Set(x.keys).union(y.keys).filter { x[$0] != y[$0] }.sorted()
  }
}
