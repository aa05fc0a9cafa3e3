import Foundation

/// config.json: the settings plus the provenance of the process that started the run.
public struct SavedConfig: Codable {
  public var config: TrainingConfig
  public var provenance: Provenance?

  public init(config: TrainingConfig, provenance: Provenance?) {
    self.config = config
    self.provenance = provenance
  }
}
