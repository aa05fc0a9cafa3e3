import Foundation
import GraftIO
import Yams

extension TrainingConfig {
  /// The settings of a JSON or YAML config file (any subset of the keys, or a run's config.json) laid over
  /// `base`: keys the file gives replace the base's, the rest keep the base's. Errors name the file and
  /// the setting.
  public static func load(file path: String, over base: TrainingConfig = TrainingConfig()) throws -> TrainingConfig {
    guard let data = FileManager.default.contents(atPath: path) else {
      throw ConfigError("cannot read config file \(path): check that it exists and is readable")
    }
    let parsed: Any?
    do {
      // A key given twice is an error, not "the last one wins": one of the two values is a mistake.
      if path.hasSuffix(".yaml") || path.hasSuffix(".yml") {
        let text = String(decoding: data, as: UTF8.self)
        if let node = try Yams.compose(yaml: text), let problem = firstKeyProblem(node) {
          throw ConfigError("config file \(path) \(problem)")
        }
        parsed = try Yams.load(yaml: text)
      } else {
        _ = try JSONValue.parse(data)
        parsed = try JSONSerialization.jsonObject(with: data)
      }
    } catch let error as ConfigError {
      throw error
    } catch {
      let format = path.hasSuffix(".yaml") || path.hasSuffix(".yml") ? "YAML" : "JSON"
      throw ConfigError("config file \(path) is not valid \(format): \(Self.parseFailure(error))")
    }
    guard var settings = parsed as? [String: Any] else {
      throw ConfigError("config file \(path) is not a Graft config: expected an object of settings")
    }
    // A run's config.json holds the settings under "config", beside its provenance.
    if let wrapped = settings["config"] as? [String: Any] { settings = wrapped }
    if let key = firstNonJSONValue(settings) {
      throw ConfigError(
        "config file \(path): the value of '\(key)' is not a number, string, boolean, list or object "
          + "(YAML dates and binary values are not settings)")
    }
    let decoder = JSONDecoder()
    decoder.userInfo[baseUserInfoKey] = base
    do {
      return try decoder.decode(TrainingConfig.self, from: JSONSerialization.data(withJSONObject: settings))
    } catch let error as ConfigError {
      throw ConfigError("config file \(path): \(error.message)")
    } catch {
      throw ConfigError("config file \(path) is not a valid Graft config: \(error)")
    }
  }
}

extension TrainingConfig {
  /// Why a config file did not parse, in one line: the YAML reader's first line (its others draw the line
  /// with a caret), Foundation's JSON reader's own description (not "Error Domain=NSCocoaErrorDomain …").
  static func parseFailure(_ error: any Error) -> String {
    if let error = error as? JSONSyntaxError { return error.description }
    let nsError = error as NSError
    if nsError.domain == NSCocoaErrorDomain, let detail = nsError.userInfo[NSDebugDescriptionErrorKey] as? String {
      return detail.split(whereSeparator: \.isNewline).first.map(String.init) ?? "it is not valid JSON"
    }
    let text = "\(error)"
    return text.split(whereSeparator: \.isNewline).first.map { $0.trimmingCharacters(in: .whitespaces) } ?? text
  }
}

/// What is wrong with the first bad key of a YAML mapping in `node` (a key given twice, or one that is not a
/// plain scalar), or nil.
private func firstKeyProblem(_ node: Node, prefix: String = "") -> String? {
  if let mapping = node.mapping {
    var seen = Set<String>()
    for (key, value) in mapping {
      // Settings are named by plain scalars; a list or mapping as a key (YAML's `? [a, b]`) names none,
      // and the YAML library traps on it rather than throwing.
      guard let name = key.scalar?.string else {
        return "uses a YAML list or mapping as a key (under '\(prefix.isEmpty ? "the top level" : String(prefix.dropLast()))'): "
          + "settings are named by plain keys"
      }
      if !seen.insert(name).inserted { return "gives '\(prefix + name)' twice: keep one" }
      if let found = firstKeyProblem(value, prefix: prefix + name + ".") { return found }
    }
  } else if let sequence = node.sequence {
    for element in sequence { if let found = firstKeyProblem(element, prefix: prefix) { return found } }
  }
  return nil
}

/// The dotted key of the first value in `object` that JSON cannot hold (a YAML date, say), or nil.
private func firstNonJSONValue(_ object: [String: Any], prefix: String = "") -> String? {
  for (key, value) in object {
    if let inner = value as? [String: Any] {
      if let found = firstNonJSONValue(inner, prefix: prefix + key + ".") { return found }
    } else if !JSONSerialization.isValidJSONObject([value]) {
      return prefix + key
    }
  }
  return nil
}
