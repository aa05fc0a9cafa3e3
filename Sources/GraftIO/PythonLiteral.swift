// The header of a .npy file is a Python dictionary literal, e.g.
// `{'descr': '<f4', 'fortran_order': False, 'shape': (3, 4), }`, which NumPy reads with
// `ast.literal_eval`. This parses the subset of Python literals such headers use.

/// A parsed Python literal.
indirect enum PythonLiteral {
  case string(String)
  case integer(Int)
  case bool(Bool)
  case none
  /// A tuple or a list.
  case sequence([PythonLiteral], isTuple: Bool)
  /// A dict, members in order.
  case dict([(key: PythonLiteral, value: PythonLiteral)])

  /// The Python spelling, for error messages.
  var pythonText: String {
    switch self {
    case .string(let s): return "'\(s)'"
    case .integer(let n): return String(n)
    case .bool(let b): return b ? "True" : "False"
    case .none: return "None"
    case .sequence(let items, let isTuple):
      let inner = items.map(\.pythonText).joined(separator: ", ")
      return isTuple ? "(\(inner)\(items.count == 1 ? "," : ""))" : "[\(inner)]"
    case .dict(let members):
      return "{" + members.map { "\($0.key.pythonText): \($0.value.pythonText)" }.joined(separator: ", ") + "}"
    }
  }
}

/// Why a Python literal failed to parse.
struct PythonLiteralError: Error {
  let message: String
}

/// Parses one Python literal (strings, integers, True/False/None, tuples, lists, dicts) surrounded by
/// optional whitespace. Integers may carry the `L` suffix that Python 2 wrote.
struct PythonLiteralParser {
  private let bytes: [UInt8]
  private var position = 0
  private var depth = 0

  static func parse(_ bytes: [UInt8]) throws(PythonLiteralError) -> PythonLiteral {
    var parser = PythonLiteralParser(bytes: bytes)
    parser.skipWhitespace()
    let value = try parser.parseValue()
    parser.skipWhitespace()
    guard parser.position == bytes.count else { throw parser.error("unexpected text after the dictionary") }
    return value
  }

  private init(bytes: [UInt8]) {
    self.bytes = bytes
  }

  private func error(_ message: String) -> PythonLiteralError {
    PythonLiteralError(message: "\(message) at byte \(position)")
  }

  private var current: UInt8? { position < bytes.count ? bytes[position] : nil }

  private mutating func skipWhitespace() {
    while let c = current, c == 0x20 || c == 0x09 || c == 0x0A || c == 0x0D { position += 1 }
  }

  private mutating func parseValue() throws(PythonLiteralError) -> PythonLiteral {
    guard let c = current else { throw error("unexpected end") }
    switch c {
    case UInt8(ascii: "{"): return try parseDict()
    case UInt8(ascii: "("): return .sequence(try parseItems(closing: UInt8(ascii: ")")), isTuple: true)
    case UInt8(ascii: "["): return .sequence(try parseItems(closing: UInt8(ascii: "]")), isTuple: false)
    case UInt8(ascii: "'"), UInt8(ascii: "\""): return .string(try parseString())
    case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return .integer(try parseInteger())
    default:
      for (word, value) in [("True", PythonLiteral.bool(true)), ("False", .bool(false)), ("None", .none)]
      where bytes[position...].starts(with: word.utf8) {
        position += word.utf8.count
        return value
      }
      throw error("unexpected character \(shownByte(c))")
    }
  }

  private mutating func enter() throws(PythonLiteralError) {
    depth += 1
    guard depth <= 32 else { throw error("nested too deeply") }
  }

  /// Comma-separated values up to `closing`, a trailing comma allowed; the opening bracket is current.
  private mutating func parseItems(closing: UInt8) throws(PythonLiteralError) -> [PythonLiteral] {
    try enter()
    defer { depth -= 1 }
    position += 1
    var items: [PythonLiteral] = []
    while true {
      skipWhitespace()
      if current == closing {
        position += 1
        return items
      }
      items.append(try parseValue())
      skipWhitespace()
      if current == UInt8(ascii: ",") {
        position += 1
      } else if current != closing {
        throw error("expected ',' or '\(Character(Unicode.Scalar(closing)))'")
      }
    }
  }

  private mutating func parseDict() throws(PythonLiteralError) -> PythonLiteral {
    try enter()
    defer { depth -= 1 }
    position += 1
    var members: [(key: PythonLiteral, value: PythonLiteral)] = []
    while true {
      skipWhitespace()
      if current == UInt8(ascii: "}") {
        position += 1
        return .dict(members)
      }
      let key = try parseValue()
      skipWhitespace()
      guard current == UInt8(ascii: ":") else { throw error("expected ':'") }
      position += 1
      skipWhitespace()
      members.append((key, try parseValue()))
      skipWhitespace()
      if current == UInt8(ascii: ",") {
        position += 1
      } else if current != UInt8(ascii: "}") {
        throw error("expected ',' or '}'")
      }
    }
  }

  private mutating func parseString() throws(PythonLiteralError) -> String {
    let quote = bytes[position]
    position += 1
    var utf8: [UInt8] = []
    while true {
      guard let c = current, c != 0x0A else { throw error("unterminated string") }
      position += 1
      if c == quote { return String(decoding: utf8, as: UTF8.self) }
      if c == UInt8(ascii: "\\") {
        // Only the escapes a dtype descriptor could need; anything else is not a plain dtype anyway.
        guard let escaped = current, [UInt8(ascii: "\\"), UInt8(ascii: "'"), UInt8(ascii: "\"")].contains(escaped)
        else { throw error("unsupported escape in a string") }
        position += 1
        utf8.append(escaped)
      } else {
        utf8.append(c)
      }
    }
  }

  private mutating func parseInteger() throws(PythonLiteralError) -> Int {
    let start = position
    if current == UInt8(ascii: "-") { position += 1 }
    while let c = current, c >= UInt8(ascii: "0"), c <= UInt8(ascii: "9") { position += 1 }
    guard let value = Int(String(decoding: bytes[start..<position], as: UTF8.self)) else {
      throw error("invalid or too large integer")
    }
    if current == UInt8(ascii: "L") { position += 1 }
    return value
  }
}
