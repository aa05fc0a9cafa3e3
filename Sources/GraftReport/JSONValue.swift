import Foundation

/// Any JSON value, decoded without a schema (config.json, summary.json, eval.json and metrics lines
/// are read as whatever they hold, so fields added later still show up).
public enum JSONValue: Equatable, Sendable, Decodable {
  case null
  case bool(Bool)
  case number(Double)
  case string(String)
  case array([JSONValue])
  case object([String: JSONValue])

  public init(from decoder: Decoder) throws {
    let c = try decoder.singleValueContainer()
    if c.decodeNil() {
      self = .null
    } else if let b = try? c.decode(Bool.self) {
      self = .bool(b)
    } else if let d = try? c.decode(Double.self) {
      self = .number(d)
    } else if let s = try? c.decode(String.self) {
      self = .string(s)
    } else if let a = try? c.decode([JSONValue].self) {
      self = .array(a)
    } else {
      self = .object(try c.decode([String: JSONValue].self))
    }
  }

  /// Parses `data` as one JSON document.
  public static func parse(_ data: Data) throws -> JSONValue {
    try JSONDecoder().decode(JSONValue.self, from: data)
  }

  public subscript(key: String) -> JSONValue? {
    if case .object(let o) = self { return o[key] }
    return nil
  }

  public var number: Double? {
    if case .number(let d) = self { return d }
    return nil
  }

  public var string: String? {
    if case .string(let s) = self { return s }
    return nil
  }

  /// Leaves of nested objects under dotted keys ("generatorSettings.learningRate"); arrays are leaves.
  public func flattened(prefix: String = "") -> [String: JSONValue] {
    guard case .object(let o) = self else { return prefix.isEmpty ? [:] : [prefix: self] }
    var out: [String: JSONValue] = [:]
    for (k, v) in o {
      let key = prefix.isEmpty ? k : "\(prefix).\(k)"
      if case .object = v { out.merge(v.flattened(prefix: key)) { $1 } } else { out[key] = v }
    }
    return out
  }

  /// The numeric leaves of `flattened` (booleans and arrays left out).
  public func numericLeaves() -> [String: Double] {
    flattened().compactMapValues(\.number)
  }

  /// Compact text: numbers without needless decimals, arrays comma-separated.
  public var text: String {
    switch self {
    case .null: "null"
    case .bool(let b): b ? "true" : "false"
    case .number(let d): d == d.rounded() && abs(d) < 1e15 ? String(Int64(d)) : "\(d)"
    case .string(let s): s
    case .array(let a): "[" + a.map(\.text).joined(separator: ", ") + "]"
    case .object(let o): "{" + o.keys.sorted().map { "\($0): \(o[$0]!.text)" }.joined(separator: ", ") + "}"
    }
  }
}
