import Foundation

extension TrainingConfig {
  /// Put a `TrainingConfig` under this key in a decoder's `userInfo` to decode a config file as changes to
  /// it; without one, a file's settings change the defaults.
  public static let baseUserInfoKey = CodingUserInfoKey(rawValue: "graft.baseConfig")!

  /// Decodes a config in which every key is optional (a file gives only what it changes), through the
  /// declarations in `settings`. An unknown key is an error that names it, with the nearest valid key.
  public init(from decoder: Decoder) throws {
    self = decoder.userInfo[Self.baseUserInfoKey] as? TrainingConfig ?? TrainingConfig()
    let container = try decoder.container(keyedBy: SettingKey.self)
    try decodeSettings(from: container, prefix: "")
    // Runs before `game` saved `"simultaneous": true|false`. True wins over `game`: a run's old config.json
    // laid over a preset (`--config`) arrives with the preset's `game` beside it.
    if try container.decodeIfPresent(Bool.self, forKey: SettingKey(stringValue: Self.legacySimultaneousKey)) == true {
      game = .simultaneous
    }
  }

  /// Read from older config files, never written.
  private static let legacySimultaneousKey = "simultaneous"

  private mutating func decodeSettings(from container: KeyedDecodingContainer<SettingKey>, prefix: String) throws {
    for codingKey in container.allKeys {
      let key = prefix + codingKey.stringValue
      if let setting = Self.setting(key: key) {
        do {
          try setting.decode(&self, container, codingKey)
        } catch {  // A DecodingError, or Foundation's internal error for a number that does not fit the type
          let value = Self.jsonText(container, codingKey)
          throw ConfigError("setting '\(key)' must be \(setting.valid), got \(value)")
        }
      } else if Self.settings.contains(where: { $0.key?.hasPrefix(key + ".") ?? false }) {
        guard let inner = try? container.nestedContainer(keyedBy: SettingKey.self, forKey: codingKey) else {
          throw ConfigError("setting '\(key)' must be an object of settings (\(key).…)")
        }
        try decodeSettings(from: inner, prefix: key + ".")
      } else if key == Self.legacySimultaneousKey {
        continue
      } else {
        let near = Self.nearest(key, among: Self.settings.compactMap(\.key)).map { " Did you mean '\($0)'?" } ?? ""
        throw ConfigError("unknown setting '\(key)'.\(near) `graft info` lists every setting with its config key")
      }
    }
  }

  /// The value under `key` as a short text for an error message.
  private static func jsonText(_ container: KeyedDecodingContainer<SettingKey>, _ key: SettingKey) -> String {
    if let v = try? container.decode(Double.self, forKey: key) { return "\(v)" }
    if let v = try? container.decode(String.self, forKey: key) { return "'\(v)'" }
    if let v = try? container.decode(Bool.self, forKey: key) { return "\(v)" }
    if (try? container.decodeNil(forKey: key)) == true { return "null" }
    return "a list or object"
  }

  /// The candidate closest to `name` (same letters ignoring case, `_` and `-`, or at most 2 edits).
  static func nearest(_ name: String, among candidates: [String]) -> String? {
    func normal(_ s: String) -> String { s.lowercased().filter { $0 != "_" && $0 != "-" } }
    if let same = candidates.first(where: { normal($0) == normal(name) }) { return same }
    let scored = candidates.map { ($0, editDistance(normal($0), normal(name))) }
    guard let best = scored.min(by: { $0.1 < $1.1 }), best.1 <= 2 else { return nil }
    return best.0
  }
}

/// Levenshtein distance between two strings.
func editDistance(_ a: String, _ b: String) -> Int {
  let a = Array(a)
  let b = Array(b)
  var previous = Array(0...b.count)
  for i in 1...max(1, a.count) where !a.isEmpty {
    var current = [i] + [Int](repeating: 0, count: b.count)
    for j in 1...max(1, b.count) where !b.isEmpty {
      current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
    }
    previous = current
  }
  return a.isEmpty ? b.count : previous[b.count]
}
