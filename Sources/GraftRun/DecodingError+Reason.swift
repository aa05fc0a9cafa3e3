import Foundation

extension DecodingError {
  /// What is wrong, in a few words a user can act on (`'config.steps' is text, not a number`), without
  /// the coding path's internal spelling that `description` prints.
  public var reason: String {
    func path(_ context: Context) -> String {
      let keys = context.codingPath.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }
      return keys.isEmpty ? "the top level" : "'" + keys.joined(separator: ".").replacingOccurrences(of: ".[", with: "[") + "'"
    }
    switch self {
    case .dataCorrupted(let context):
      if context.codingPath.isEmpty { return "it is not valid JSON" }
      return "\(path(context)) is invalid: \(context.debugDescription)"
    case .keyNotFound(let key, let context):
      let inside = context.codingPath.isEmpty ? "" : " in \(path(context))"
      return "it has no '\(key.stringValue)'\(inside)"
    case .typeMismatch(let type, let context):
      return "\(path(context)) is not \(Self.kind(type))"
    case .valueNotFound(let type, let context):
      return "\(path(context)) is null where \(Self.kind(type)) belongs"
    @unknown default:
      return "it could not be read: \(self)"
    }
  }

  private static func kind(_ type: Any.Type) -> String {
    switch type {
    case is String.Type: "text"
    case is Bool.Type: "true or false"
    case is Int.Type, is UInt64.Type, is Int64.Type: "an integer"
    case is Double.Type, is Float.Type: "a number"
    default: "a \(type)"
    }
  }
}
