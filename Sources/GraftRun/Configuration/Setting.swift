/// One setting of a training run, declared once: its command-line flag, its key in config files, its
/// valid values and its help. The command line, the config-file decoder, `validate()`, `graft train
/// --help` and `graft info` all read these declarations (`TrainingConfig.settings`).
public struct Setting: Sendable {
  /// Where a setting is listed in help.
  public enum Section: String, Sendable, CaseIterable {
    case data = "Data and model"
    case game = "The game"
    case optimizers = "Optimizers"
    case theory = "The synthetic setting (--dataset theory)"
    case bookkeeping = "Logs, samples, checkpoints"
  }

  /// The command-line flag without its dashes (`g-lr` for `--g-lr`).
  public let flag: String
  /// The key in config files, dotted for nested objects (`generatorSettings.learningRate`); nil for a
  /// command-line shorthand that sets other settings (`--lr` sets both players' rates).
  public let key: String?
  public let section: Section
  public let help: String
  /// The valid values in words: the type's kind and its range ("an integer > 0").
  public let valid: String
  /// A Bool setting: the flag alone means true.
  public let isSwitch: Bool
  /// The setting's value in `config`, as written on the command line.
  public let text: @Sendable (TrainingConfig) -> String
  /// Sets the value from command-line text; false when the text is not a value of the setting's type.
  let parse: @Sendable (inout TrainingConfig, String) -> Bool
  /// Sets the value from a config file.
  let decode: @Sendable (inout TrainingConfig, KeyedDecodingContainer<SettingKey>, SettingKey) throws -> Void
  /// Whether the value in a config is in range.
  let isValid: @Sendable (TrainingConfig) -> Bool

  /// `--flag` as the user types it.
  public var option: String { "--" + flag }

  /// A setting held at `path`: parsed, decoded, printed and range-checked through its type.
  public static func value<V: SettingValue>(
    _ flag: String, _ path: WritableKeyPath<TrainingConfig, V> & Sendable, key: String, _ section: Section,
    _ help: String, valid validity: Validity<V> = .any
  ) -> Setting {
    Setting(
      flag: flag, key: key, section: section, help: help, valid: described(V.self, validity),
      isSwitch: V.self == Bool.self,
      text: { $0[keyPath: path].settingText },
      parse: { config, text in
        guard let v = V(settingText: text) else { return false }
        config[keyPath: path] = v
        return true
      },
      decode: { config, container, codingKey in config[keyPath: path] = try container.decode(V.self, forKey: codingKey)
      },
      isValid: { validity.test($0[keyPath: path]) })
  }

  /// An optional setting (unset by default); `validity` applies when it is set.
  public static func optional<V: SettingValue>(
    _ flag: String, _ path: WritableKeyPath<TrainingConfig, V?> & Sendable, key: String, _ section: Section,
    _ help: String, valid validity: Validity<V> = .any
  ) -> Setting {
    let inner = value(flag, path, key: key, section, help)
    return Setting(
      flag: flag, key: key, section: section, help: help, valid: described(V.self, validity) + ", or none",
      isSwitch: false,
      text: inner.text, parse: inner.parse, decode: inner.decode,
      isValid: { config in config[keyPath: path].map { validity.test($0) } ?? true })
  }

  /// A command-line shorthand that sets the settings `targets` (in config files those are given one by
  /// one): `--lr` for `--g-lr` and `--d-lr`.
  public static func shorthand(_ flag: String, for targets: [Setting], _ help: String) -> Setting {
    let first = targets[0]
    return Setting(
      flag: flag, key: nil, section: first.section, help: help, valid: first.valid, isSwitch: first.isSwitch,
      text: { config in
        let values = targets.map { $0.text(config) }
        return Set(values).count == 1 ? values[0] : values.joined(separator: " / ")
      },
      parse: { config, text in targets.allSatisfy { $0.parse(&config, text) } },
      decode: { _, _, _ in }, isValid: { config in targets.allSatisfy { $0.isValid(config) } })
  }

  private static func described<V: SettingValue, W>(_ type: V.Type, _ validity: Validity<W>) -> String {
    if validity.replacesKind { return validity.words }
    return validity.words.isEmpty ? V.kindDescription : V.kindDescription + " " + validity.words
  }
}

/// A key of a config file's object, any string.
public struct SettingKey: CodingKey, Sendable {
  public var stringValue: String
  public var intValue: Int? { nil }
  public init(stringValue: String) { self.stringValue = stringValue }
  public init?(intValue: Int) { nil }
}
