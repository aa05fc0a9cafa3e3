// Graft's JSON reader (safetensors headers here; config.json, summary.json and metrics.jsonl in the report).
// It parses JSON itself rather than with JSONSerialization or JSONDecoder because a safetensors header needs
// the members of an object in file order (to keep tensors in the order they were saved), every digit of an
// integer offset (not a Double), and the byte at which a corrupt header goes wrong.

/// A parsed JSON value. Objects keep their members in file order; numbers keep their literal text.
///
/// Two values are equal when they mean the same: objects with the same members in any order, numbers
/// with the same `Double` value (`1.0 == 1`).
public indirect enum JSONValue: Sendable, Equatable {
  case object([(key: String, value: JSONValue)])
  case array([JSONValue])
  case string(String)
  case number(String)
  case bool(Bool)
  case null

  /// Parses `data` as one JSON value (RFC 8259), whitespace allowed around it. Duplicate keys in an object
  /// and nesting more than 64 levels deep are errors.
  public static func parse(_ data: some Collection<UInt8>) throws(JSONSyntaxError) -> JSONValue {
    try JSONParser.parse(Array(data))
  }

  /// The member called `key` of an object; nil for a missing key or a value that is not an object.
  public subscript(key: String) -> JSONValue? {
    guard case .object(let members) = self else { return nil }
    return members.first { $0.key == key }?.value
  }

  /// The members of an object, by key; nil for a value that is not an object.
  public var dictionary: [String: JSONValue]? {
    guard case .object(let members) = self else { return nil }
    return Dictionary(members.map { ($0.key, $0.value) }, uniquingKeysWith: { $1 })
  }

  /// A number's value as the nearest `Double`; nil for anything else.
  public var number: Double? {
    guard case .number(let text) = self else { return nil }
    return Double(text)
  }

  public var string: String? {
    guard case .string(let s) = self else { return nil }
    return s
  }

  /// The value as a non-negative integer, if it is a JSON integer literal (no sign, fraction or
  /// exponent) that fits in an `Int`.
  public var nonNegativeInt: Int? {
    guard case .number(let text) = self, text.utf8.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") })
    else { return nil }
    return Int(text)
  }

  /// Leaves of nested objects under dotted keys ("generatorSettings.learningRate"); arrays are leaves.
  public func flattened(prefix: String = "") -> [String: JSONValue] {
    guard case .object(let members) = self else { return prefix.isEmpty ? [:] : [prefix: self] }
    var out: [String: JSONValue] = [:]
    for (k, v) in members {
      let key = prefix.isEmpty ? k : "\(prefix).\(k)"
      if case .object = v { out.merge(v.flattened(prefix: key)) { $1 } } else { out[key] = v }
    }
    return out
  }

  /// The numeric leaves of `flattened` (booleans and arrays left out).
  public func numericLeaves() -> [String: Double] {
    flattened().compactMapValues(\.number)
  }

  /// Compact text: numbers without needless decimals, arrays comma-separated, object keys sorted.
  public var text: String {
    switch self {
    case .null: "null"
    case .bool(let b): b ? "true" : "false"
    case .number(let literal):
      Double(literal).map { $0 == $0.rounded() && abs($0) < 1e15 ? String(Int64($0)) : "\($0)" } ?? literal
    case .string(let s): s
    case .array(let a): "[" + a.map(\.text).joined(separator: ", ") + "]"
    case .object(let members):
      "{" + members.sorted { $0.key < $1.key }.map { "\($0.key): \($0.value.text)" }.joined(separator: ", ") + "}"
    }
  }

  /// A short description of the value's kind, for error messages ("an object", "the number 3", ...).
  public var kindDescription: String {
    switch self {
    case .object: return "an object"
    case .array: return "an array"
    case .string(let s): return "the string \"\(s)\""
    case .number(let n): return "the number \(n)"
    case .bool(let b): return "\(b)"
    case .null: return "null"
    }
  }

  public static func == (a: JSONValue, b: JSONValue) -> Bool {
    switch (a, b) {
    case (.object, .object):
      return a.dictionary == b.dictionary
    case (.array(let x), .array(let y)): return x == y
    case (.string(let x), .string(let y)): return x == y
    case (.number(let x), .number(let y)): return x == y || (Double(x).map { $0 == Double(y) } ?? false)
    case (.bool(let x), .bool(let y)): return x == y
    case (.null, .null): return true
    default: return false
    }
  }
}

/// Where and why a JSON text fails to parse.
public struct JSONSyntaxError: Error, CustomStringConvertible {
  /// Byte offset into the text.
  public let offset: Int
  public let message: String

  public var description: String { "\(message) at byte \(offset)" }
}

/// A strict JSON parser (RFC 8259) over UTF-8 bytes.
struct JSONParser {
  private let bytes: [UInt8]
  private var position = 0
  private var depth = 0
  /// Deeper nesting is rejected rather than risking the stack on a hostile file; a safetensors header
  /// nests three levels.
  private static let maximumDepth = 64

  /// Parses `bytes` as one JSON value, allowing whitespace (the safetensors padding) around it.
  static func parse(_ bytes: [UInt8]) throws(JSONSyntaxError) -> JSONValue {
    var parser = JSONParser(bytes: bytes)
    parser.skipWhitespace()
    let value = try parser.parseValue()
    parser.skipWhitespace()
    guard parser.position == bytes.count else { throw parser.error("unexpected text after the JSON value") }
    return value
  }

  private init(bytes: [UInt8]) {
    self.bytes = bytes
  }

  private func error(_ message: String) -> JSONSyntaxError {
    JSONSyntaxError(offset: position, message: message)
  }

  private var current: UInt8? { position < bytes.count ? bytes[position] : nil }

  private mutating func skipWhitespace() {
    while let c = current, c == 0x20 || c == 0x09 || c == 0x0A || c == 0x0D { position += 1 }
  }

  private mutating func expect(_ c: UInt8, _ what: String) throws(JSONSyntaxError) {
    guard current == c else { throw error("expected \(what)") }
    position += 1
  }

  private mutating func parseValue() throws(JSONSyntaxError) -> JSONValue {
    guard let c = current else { throw error("unexpected end of the JSON text") }
    switch c {
    case UInt8(ascii: "{"): return try parseObject()
    case UInt8(ascii: "["): return try parseArray()
    case UInt8(ascii: "\""): return .string(try parseString())
    case UInt8(ascii: "t"):
      try parseLiteral("true")
      return .bool(true)
    case UInt8(ascii: "f"):
      try parseLiteral("false")
      return .bool(false)
    case UInt8(ascii: "n"):
      try parseLiteral("null")
      return .null
    case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return .number(try parseNumber())
    default: throw error("unexpected character \(shownByte(c))")
    }
  }

  private mutating func enter() throws(JSONSyntaxError) {
    depth += 1
    guard depth <= Self.maximumDepth else { throw error("nested more than \(Self.maximumDepth) levels deep") }
  }

  private mutating func parseObject() throws(JSONSyntaxError) -> JSONValue {
    try enter()
    defer { depth -= 1 }
    position += 1
    var members: [(key: String, value: JSONValue)] = []
    var seen: Set<String> = []
    skipWhitespace()
    if current == UInt8(ascii: "}") {
      position += 1
      return .object(members)
    }
    while true {
      skipWhitespace()
      guard current == UInt8(ascii: "\"") else { throw error("expected a quoted key") }
      let keyOffset = position
      let key = try parseString()
      guard seen.insert(key).inserted else {
        throw JSONSyntaxError(offset: keyOffset, message: "duplicate key \"\(key)\"")
      }
      skipWhitespace()
      try expect(UInt8(ascii: ":"), "':' after a key")
      skipWhitespace()
      members.append((key, try parseValue()))
      skipWhitespace()
      if current == UInt8(ascii: ",") {
        position += 1
        continue
      }
      try expect(UInt8(ascii: "}"), "',' or '}' in an object")
      return .object(members)
    }
  }

  private mutating func parseArray() throws(JSONSyntaxError) -> JSONValue {
    try enter()
    defer { depth -= 1 }
    position += 1
    var elements: [JSONValue] = []
    skipWhitespace()
    if current == UInt8(ascii: "]") {
      position += 1
      return .array(elements)
    }
    while true {
      skipWhitespace()
      elements.append(try parseValue())
      skipWhitespace()
      if current == UInt8(ascii: ",") {
        position += 1
        continue
      }
      try expect(UInt8(ascii: "]"), "',' or ']' in an array")
      return .array(elements)
    }
  }

  private mutating func parseLiteral(_ word: String) throws(JSONSyntaxError) {
    for c in word.utf8 {
      guard current == c else { throw error("invalid literal (expected \(word))") }
      position += 1
    }
  }

  private mutating func parseNumber() throws(JSONSyntaxError) -> String {
    let start = position
    func digits(_ parser: inout JSONParser) -> Int {
      let first = parser.position
      while let c = parser.current, c >= UInt8(ascii: "0"), c <= UInt8(ascii: "9") { parser.position += 1 }
      return parser.position - first
    }
    if current == UInt8(ascii: "-") { position += 1 }
    if current == UInt8(ascii: "0") {
      position += 1
    } else if digits(&self) == 0 {
      throw error("invalid number")
    }
    if current == UInt8(ascii: ".") {
      position += 1
      guard digits(&self) > 0 else { throw error("invalid number: no digits after '.'") }
    }
    if current == UInt8(ascii: "e") || current == UInt8(ascii: "E") {
      position += 1
      if current == UInt8(ascii: "+") || current == UInt8(ascii: "-") { position += 1 }
      guard digits(&self) > 0 else { throw error("invalid number: no digits in the exponent") }
    }
    return String(decoding: bytes[start..<position], as: UTF8.self)
  }

  private mutating func parseString() throws(JSONSyntaxError) -> String {
    position += 1
    var utf8: [UInt8] = []
    while true {
      guard let c = current else { throw error("unterminated string") }
      position += 1
      switch c {
      case UInt8(ascii: "\""):
        return String(decoding: utf8, as: UTF8.self)
      case UInt8(ascii: "\\"):
        guard let escape = current else { throw error("unterminated string") }
        position += 1
        switch escape {
        case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): utf8.append(escape)
        case UInt8(ascii: "b"): utf8.append(0x08)
        case UInt8(ascii: "f"): utf8.append(0x0C)
        case UInt8(ascii: "n"): utf8.append(0x0A)
        case UInt8(ascii: "r"): utf8.append(0x0D)
        case UInt8(ascii: "t"): utf8.append(0x09)
        case UInt8(ascii: "u"):
          var scalar = try parseHex4()
          if (0xD800..<0xDC00).contains(scalar) {
            // A high surrogate must be followed by an escaped low one; together they make one scalar.
            guard current == UInt8(ascii: "\\") else { throw error("unpaired surrogate in \\u escape") }
            position += 1
            guard current == UInt8(ascii: "u") else { throw error("unpaired surrogate in \\u escape") }
            position += 1
            let low = try parseHex4()
            guard (0xDC00..<0xE000).contains(low) else { throw error("unpaired surrogate in \\u escape") }
            scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
          }
          guard let unicode = Unicode.Scalar(scalar) else { throw error("unpaired surrogate in \\u escape") }
          utf8.append(contentsOf: String(Character(unicode)).utf8)
        default:
          throw error("invalid escape: a backslash before \(shownByte(escape))")
        }
      case 0x00..<0x20:
        throw error("control character in a string (it must be escaped)")
      default:
        utf8.append(c)
      }
    }
  }

  private mutating func parseHex4() throws(JSONSyntaxError) -> UInt32 {
    var value: UInt32 = 0
    for _ in 0..<4 {
      guard let c = current, let digit = hexValue(c) else { throw error("invalid \\u escape") }
      value = value << 4 | digit
      position += 1
    }
    return value
  }

  private func hexValue(_ c: UInt8) -> UInt32? {
    switch c {
    case UInt8(ascii: "0")...UInt8(ascii: "9"): return UInt32(c - UInt8(ascii: "0"))
    case UInt8(ascii: "a")...UInt8(ascii: "f"): return UInt32(c - UInt8(ascii: "a") + 10)
    case UInt8(ascii: "A")...UInt8(ascii: "F"): return UInt32(c - UInt8(ascii: "A") + 10)
    default: return nil
    }
  }
}

/// `s` as a JSON string literal, quotes included, escaped the way serde_json (the reference
/// safetensors writer) escapes: `"` and `\`, control characters; everything else as UTF-8.
func jsonQuoted(_ s: String) -> String {
  var out = "\""
  for scalar in s.unicodeScalars {
    switch scalar {
    case "\"": out += "\\\""
    case "\\": out += "\\\\"
    case "\n": out += "\\n"
    case "\r": out += "\\r"
    case "\t": out += "\\t"
    case "\u{08}": out += "\\b"
    case "\u{0C}": out += "\\f"
    case "\u{00}"..."\u{1F}":
      let hex = String(scalar.value, radix: 16)
      out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
    default: out.unicodeScalars.append(scalar)
    }
  }
  return out + "\""
}

/// A byte of a file as a message shows it: printable ASCII in quotes, anything else (a newline, a control
/// or a non-ASCII byte) as its hex value, so that a message stays one readable line.
func shownByte(_ byte: UInt8) -> String {
  let hex = Array("0123456789abcdef")
  return (0x20..<0x7f).contains(byte)
    ? "'\(Character(Unicode.Scalar(byte)))'" : "byte 0x\(hex[Int(byte >> 4)])\(hex[Int(byte & 0xf)])"
}
