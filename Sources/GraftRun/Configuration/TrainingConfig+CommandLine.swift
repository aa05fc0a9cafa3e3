extension TrainingConfig {
  /// Applies command-line settings in order, later ones winning: `--steps 2000`, `--lr=1e-3`, `--lr -1`
  /// (read as a value, then refused by `validate()`), and Bool settings alone (`--theory-gaussian-latent`),
  /// with `true`/`false`, or negated (`--no-tensorboard`). Each flag is a `Setting`'s; anything else is an
  /// error naming it.
  public mutating func apply(arguments: [String]) throws {
    var rest = arguments[...]
    while let word = rest.popFirst() {
      guard word.hasPrefix("--"), word.count > 2 else {
        throw ConfigError("unexpected argument '\(word)': settings are given as --name value (see `graft info`)")
      }
      var name = String(word.dropFirst(2))
      var text: String?
      if let equals = name.firstIndex(of: "=") {
        text = String(name[name.index(after: equals)...])
        name = String(name[..<equals])
      }
      // The flag `game` replaced.
      if name == "simultaneous" && text == nil {
        (name, text) = ("game", "simultaneous")
      }
      // `--no-X` for a switch X: X false.
      if text == nil, name.hasPrefix("no-"), Self.setting(flag: name) == nil,
        let negated = Self.setting(flag: String(name.dropFirst(3))), negated.isSwitch
      {
        (name, text) = (negated.flag, "false")
      }
      guard let setting = Self.setting(flag: name) else {
        let near = Self.nearest(name, among: Self.settings.map(\.flag)).map { " Did you mean '--\($0)'?" } ?? ""
        throw ConfigError("unknown option '--\(name)'.\(near) `graft info` lists every setting")
      }
      if text == nil {
        if setting.isSwitch {
          text = rest.first.flatMap { $0 == "true" || $0 == "false" ? rest.popFirst() : nil } ?? "true"
        } else {
          guard let next = rest.popFirst() else {
            throw ConfigError("--\(name) needs a value: \(setting.valid)")
          }
          text = next
        }
      }
      guard let text, setting.parse(&self, text) else {
        throw ConfigError("--\(name): '\(text ?? "")' is not \(setting.valid)")
      }
      guard setting.isValid(self) else { throw ConfigError("--\(name) must be \(setting.valid), got \(text)") }
    }
  }

  /// Every setting by section, with its valid values and default, for `graft train --help` and
  /// `graft info`.
  public static func settingsHelp(defaults: TrainingConfig = TrainingConfig(), keys: Bool = false) -> String {
    var lines: [String] = []
    for section in Setting.Section.allCases {
      lines.append(section.rawValue + ":")
      // Two lines each, so that help wrapped at 80 columns stays readable.
      for s in settings where s.section == section {
        let key = keys ? s.key.map { "; config key \($0)" } ?? "" : ""
        lines.append(
          "  --\(s.flag) (\(s.valid); default \(s.text(defaults).isEmpty ? "empty" : s.text(defaults))\(key))")
        lines.append("      \(s.help)")
      }
    }
    return lines.joined(separator: "\n")
  }
}
