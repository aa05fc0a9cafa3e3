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
      // A `--` before the settings is accepted (`graft sweep` used to require one); after it the parser
      // hands --preset and --config over as settings, so they are taken from there.
      var rest = settings.filter { $0 != "--" }
      let preset = try Self.take("preset", from: &rest, given: self.preset)
      let config = try Self.take("config", from: &rest, given: self.config)
      var c = try preset.map { try TrainingConfig.preset($0) } ?? TrainingConfig()
      if let config { c = try TrainingConfig.load(file: config, over: c) }
      try c.apply(arguments: rest)
      try c.validate()
      return c
    } catch let error as ConfigError {
      throw ValidationError(error.message)
    }
  }

  /// The value of `--name V` or `--name=V` in `arguments` (removed from them), or `given`; both, or the
  /// option twice, is an error.
  static func take(_ name: String, from arguments: inout [String], given: String?) throws -> String? {
    var found = given
    var i = 0
    while i < arguments.count {
      let word = arguments[i]
      var value: String?
      var width = 1
      if word == "--\(name)" {
        guard i + 1 < arguments.count else { throw ConfigError("--\(name) needs a value") }
        value = arguments[i + 1]
        width = 2
      } else if word.hasPrefix("--\(name)=") {
        value = String(word.dropFirst(name.count + 3))
      }
      guard let value else {
        i += 1
        continue
      }
      if found != nil { throw ConfigError("--\(name) is given twice; give it once") }
      found = value
      arguments.removeSubrange(i..<(i + width))
    }
    return found
  }

  /// The settings by section, for a command's help.
  static var help: String {
    "Settings (flag, what it is, valid values, default; `graft info` also gives each one's config-file key):\n"
      + TrainingConfig.settingsHelp()
  }
}
