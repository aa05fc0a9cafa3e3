import GraftOptimizers

/// Per-layer learning-rate scales: parameter-name glob patterns (`*` matches any run of characters), each
/// with the factor its parameters' learning rate is multiplied by. In a config file an object
/// (`{"layers.0.weight": 0.5, "*.bias": 0.1}`); on the command line comma-separated `pattern=scale` pairs
/// (`--g-layer-scale 'layers.0.*=0.5,*.bias=0.1'`). Where several patterns match a name, the most specific
/// one (the most characters besides `*`) wins, then the first given; so the order of a file's keys, which
/// JSON does not keep, never matters.
public struct LayerScales: SettingValue, Sendable, Equatable {
  public var entries: [(pattern: String, scale: Double)]

  public init(_ entries: [(pattern: String, scale: Double)] = []) { self.entries = entries }

  public var isEmpty: Bool { entries.isEmpty }

  public static func == (a: LayerScales, b: LayerScales) -> Bool {
    a.entries.count == b.entries.count && zip(a.entries, b.entries).allSatisfy { $0 == $1 }
  }

  public init?(settingText text: String) {
    var entries: [(pattern: String, scale: Double)] = []
    for item in text.split(separator: ",", omittingEmptySubsequences: true) {
      let parts = item.split(separator: "=", omittingEmptySubsequences: false)
      guard parts.count == 2, !parts[0].isEmpty, let scale = Double(parts[1]), scale.isFinite, scale > 0 else {
        return nil
      }
      entries.append((String(parts[0].trimmingSpaces), scale))
    }
    self.entries = entries
  }

  public var settingText: String {
    entries.isEmpty ? "" : entries.map { "\($0.pattern)=\($0.scale)" }.joined(separator: ",")
  }

  public static var kindDescription: String { "comma-separated name-pattern=scale pairs (scale > 0)" }

  public init(from decoder: Decoder) throws {
    let container = try decoder.container(keyedBy: SettingKey.self)
    entries = try container.allKeys.map { key in
      let scale = try container.decode(Double.self, forKey: key)
      guard scale.isFinite, scale > 0 else {
        throw DecodingError.dataCorruptedError(forKey: key, in: container, debugDescription: "scale must be > 0")
      }
      return (key.stringValue, scale)
    }
    // A file's keys arrive in no particular order: sort them so that a loaded config compares equal to itself.
    entries.sort { $0.pattern < $1.pattern }
  }

  public func encode(to encoder: Encoder) throws {
    var container = encoder.container(keyedBy: SettingKey.self)
    for (pattern, scale) in entries { try container.encode(scale, forKey: SettingKey(stringValue: pattern)) }
  }

  /// Whether `name` matches the glob `pattern` (`*`: any run of characters, possibly empty).
  public static func matches(_ pattern: String, _ name: String) -> Bool {
    let p = Array(pattern)
    let n = Array(name)
    // Classic greedy wildcard match with backtracking to the last `*`.
    var i = 0
    var j = 0
    var star = -1
    var mark = 0
    while j < n.count {
      if i < p.count && p[i] != "*" && p[i] == n[j] {
        i += 1
        j += 1
      } else if i < p.count && p[i] == "*" {
        star = i
        mark = j
        i += 1
      } else if star >= 0 {
        i = star + 1
        mark += 1
        j = mark
      } else {
        return false
      }
    }
    while i < p.count && p[i] == "*" { i += 1 }
    return i == p.count
  }

  /// The scale for each parameter name (1 where no pattern matches).
  public func scales(for names: [String]) -> [Double] {
    names.map { name in
      var best: (specificity: Int, scale: Double)?
      for (pattern, scale) in entries where Self.matches(pattern, name) {
        let specificity = pattern.filter { $0 != "*" }.count
        if best == nil || specificity > best!.specificity { best = (specificity, scale) }
      }
      return best?.scale ?? 1
    }
  }

  /// The learning-rate scales by group name that `Optimizer.update` takes. Throws when a pattern matches no
  /// parameter (naming it and listing the names), or when the parameters of one group get different scales.
  public func groupScales(names: [String], grouping: Grouping, player: String) throws -> [String: Double] {
    guard !isEmpty else { return [:] }
    for (pattern, _) in entries where !names.contains(where: { Self.matches(pattern, $0) }) {
      throw ConfigError(
        "\(player) layer-scale pattern '\(pattern)' matches no parameter; the parameters are: "
          + names.joined(separator: ", "))
    }
    let perName = scales(for: names)
    var result: [String: Double] = [:]
    for group in grouping.groups(for: names) {
      let scales = Set(group.indices.map { perName[$0] })
      guard scales.count == 1, let scale = scales.first else {
        throw ConfigError(
          "\(player) layer scales give the parameters of group '\(group.name)' (grouping \(grouping)) different "
            + "scales; use --grouping tensor or patterns that cover whole groups")
      }
      if scale != 1 { result[group.name] = scale }
    }
    return result
  }
}

extension Substring {
  fileprivate var trimmingSpaces: Substring {
    var s = self
    while s.first == " " { s = s.dropFirst() }
    while s.last == " " { s = s.dropLast() }
    return s
  }
}
