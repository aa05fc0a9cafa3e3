import Foundation
import GraftOptimizers

/// A type a setting can hold: how it reads from the command line and how it is described in help.
public protocol SettingValue: Codable, Sendable, Equatable {
  /// Parses command-line text; nil when the text is not a value of this type.
  init?(settingText text: String)
  /// The value as it would be written on the command line.
  var settingText: String { get }
  /// What kind of value this is, in words ("an integer", "one of ns, minimax, ...").
  static var kindDescription: String { get }
}

extension Int: SettingValue {
  public init?(settingText text: String) { self.init(text) }
  public var settingText: String { String(self) }
  public static var kindDescription: String { "an integer" }
}

extension UInt64: SettingValue {
  public init?(settingText text: String) { self.init(text) }
  public var settingText: String { String(self) }
  public static var kindDescription: String { "an integer ≥ 0" }
}

/// Finite numbers only: "nan" and "inf" are not settings.
extension SettingValue where Self: BinaryFloatingPoint & LosslessStringConvertible {
  public init?(settingText text: String) {
    guard let v = Self(text), v.isFinite else { return nil }
    self = v
  }
  /// "10" rather than "10.0".
  public var settingText: String {
    let s = "\(self)"
    return s.hasSuffix(".0") ? String(s.dropLast(2)) : s
  }
  public static var kindDescription: String { "a number" }
}

extension Double: SettingValue {}
extension Float: SettingValue {}

extension String: SettingValue {
  public init?(settingText text: String) { self = text }
  public var settingText: String { self }
  public static var kindDescription: String { "text" }
}

extension Bool: SettingValue {
  public init?(settingText text: String) {
    switch text {
    case "true": self = true
    case "false": self = false
    default: return nil
    }
  }
  public var settingText: String { self ? "true" : "false" }
  public static var kindDescription: String { "true or false" }
}

/// An optional setting: `none` on the command line (or null in a file) leaves it unset.
extension Optional: SettingValue where Wrapped: SettingValue {
  public init?(settingText text: String) {
    if text == "none" {
      self = .none
    } else if let v = Wrapped(settingText: text) {
      self = .some(v)
    } else {
      return nil
    }
  }
  public var settingText: String { map(\.settingText) ?? "none" }
  public static var kindDescription: String { Wrapped.kindDescription + ", or none" }
}

/// A list of values, written comma-separated on the command line (`1,0.25`); the empty text is the
/// empty list.
extension Array: SettingValue where Element: SettingValue {
  public init?(settingText text: String) {
    if text.isEmpty {
      self = []
      return
    }
    var values: [Element] = []
    for part in text.split(separator: ",", omittingEmptySubsequences: false) {
      guard let v = Element(settingText: part.trimmingCharacters(in: .whitespaces)) else { return nil }
      values.append(v)
    }
    self = values
  }
  public var settingText: String { map(\.settingText).joined(separator: ",") }
  public static var kindDescription: String { "a comma-separated list of " + Element.kindDescription.pluralKind }
}

extension String {
  /// "a number" → "numbers", for a list's kind.
  fileprivate var pluralKind: String {
    let bare = hasPrefix("a ") ? String(dropFirst(2)) : hasPrefix("an ") ? String(dropFirst(3)) : self
    return bare.split(separator: " ", maxSplits: 1).enumerated().map { $0 == 0 ? $1 + "s" : String($1) }
      .joined(separator: " ")
  }
}

/// A setting with a fixed set of named values (data sets, models, losses, ...).
public protocol SettingChoice: SettingValue, CaseIterable, RawRepresentable where RawValue == String {}

extension SettingChoice {
  public init?(settingText text: String) { self.init(rawValue: text) }
  public var settingText: String { rawValue }
  public static var kindDescription: String { "one of " + allCases.map(\.rawValue).joined(separator: ", ") }
}

/// An optimizer by name: one of the named ones, or `graft:M:D`.
extension OptimizerSpec: SettingValue {
  public init?(settingText text: String) { try? self.init(parsing: text) }
  public var settingText: String { name }
  public static var kindDescription: String {
    "one of \(descriptions.map(\.spec.name).joined(separator: ", ")), or graft:M:D"
  }
}

extension GANLoss: SettingChoice {}
extension GameRuleName: SettingChoice {}
extension Grouping: SettingChoice {}
extension LearningRateSchedule.Decay: SettingChoice {}

/// The values a setting accepts beyond its type, with the words that say so ("> 0", "in [0, 1)").
public struct Validity<Value>: Sendable {
  /// The condition in words, appended to the value's kind ("an integer" + " > 0"); empty for any value.
  public let words: String
  /// Words that replace the type's kind as well ("one of adam, sgda, ..., or graft:M:D").
  public let replacesKind: Bool
  let test: @Sendable (Value) -> Bool

  public init(_ words: String, _ test: @escaping @Sendable (Value) -> Bool) {
    self.words = words
    self.replacesKind = false
    self.test = test
  }

  /// Valid values described entirely by `words`.
  public init(describing words: String, _ test: @escaping @Sendable (Value) -> Bool) {
    self.words = words
    self.replacesKind = true
    self.test = test
  }

  /// Every value of the type.
  public static var any: Validity { Validity("") { _ in true } }
}

extension Validity where Value: Comparable & SettingValue {
  /// A bound as the setting's values are written ("0" rather than "0.0").
  private static func text(_ bound: Value) -> String { bound.settingText }
  /// Strictly above `bound`.
  public static func above(_ bound: Value) -> Validity { Validity("> \(text(bound))") { $0 > bound } }
  /// At or above `bound`.
  public static func atLeast(_ bound: Value) -> Validity { Validity("≥ \(text(bound))") { $0 >= bound } }
  /// In [lower, upper).
  public static func from(_ lower: Value, below upper: Value) -> Validity {
    Validity("in [\(text(lower)), \(text(upper)))") { $0 >= lower && $0 < upper }
  }
  /// In (lower, upper).
  public static func between(_ lower: Value, _ upper: Value) -> Validity {
    Validity("in (\(text(lower)), \(text(upper)))") { $0 > lower && $0 < upper }
  }
  /// In [lower, upper].
  public static func within(_ lower: Value, _ upper: Value) -> Validity {
    Validity("in [\(text(lower)), \(text(upper))]") { $0 >= lower && $0 <= upper }
  }
}
