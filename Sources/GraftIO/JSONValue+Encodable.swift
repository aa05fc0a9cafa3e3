import Foundation

/// A parsed value written back as JSON (by `JSONEncoder`): integers as integers, other numbers as the
/// nearest `Double`, objects keyed as the encoder orders them (`.sortedKeys` sorts).
extension JSONValue: Encodable {
  private struct Key: CodingKey {
    var stringValue: String
    var intValue: Int? { nil }
    init(stringValue: String) { self.stringValue = stringValue }
    init?(intValue: Int) { nil }
  }

  public func encode(to encoder: any Encoder) throws {
    switch self {
    case .object(let members):
      var c = encoder.container(keyedBy: Key.self)
      for (key, value) in members { try c.encode(value, forKey: Key(stringValue: key)) }
    case .array(let values):
      var c = encoder.unkeyedContainer()
      for value in values { try c.encode(value) }
    case .string(let s):
      var c = encoder.singleValueContainer()
      try c.encode(s)
    case .number(let literal):
      var c = encoder.singleValueContainer()
      if let integer = Int(literal) { try c.encode(integer) } else { try c.encode(Double(literal) ?? .nan) }
    case .bool(let b):
      var c = encoder.singleValueContainer()
      try c.encode(b)
    case .null:
      var c = encoder.singleValueContainer()
      try c.encodeNil()
    }
  }

  /// Compact JSON text with sorted keys.
  public func jsonData() throws -> Data {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
    return try encoder.encode(self)
  }
}
