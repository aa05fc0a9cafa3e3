import ArgumentParser
import GraftGAN
import GraftRun

/// How a command gets a training config: a preset, then a config file, then settings as flags, each
/// layer changing the one before. Shared by `train` and `sweep`; the settings are `TrainingConfig.settings`.
struct TrainingOptions: ParsableArguments {
  @Option(help: "Start from a named preset: \(TrainingConfig.presets.map(\.name).joined(separator: ", ")).")
  var preset: String?
  @Option(help: "Then apply a JSON or YAML config file (any subset of the settings; a run's config.json works too).")
  var config: String?
  @Argument(
    parsing: .allUnrecognized,
    help: ArgumentHelp("Then the settings given, e.g. --steps 2000 --lr 1e-3 (listed below).", valueName: "settings"))
  var settings: [String] = []

  /// Whether anything was given.
  var isEmpty: Bool { preset == nil && config == nil && settings.isEmpty }

  /// Preset, then config file, then settings, validated.
  func resolved() throws -> TrainingConfig {
    do {
      var c = try preset.map { try TrainingConfig.preset($0) } ?? TrainingConfig()
      if let config { c = try TrainingConfig.load(file: config, over: c) }
      // A `--` before the settings is accepted: `graft sweep` used to require one.
      try c.apply(arguments: settings.filter { $0 != "--" })
      try c.validate()
      return c
    } catch let error as ConfigError {
      throw ValidationError(error.message)
    }
  }

  /// The settings by section, for a command's help.
  static var help: String {
    "Settings (flag, what it is, valid values, default; `graft info` also gives each one's config-file key):\n"
      + TrainingConfig.settingsHelp()
  }
}
