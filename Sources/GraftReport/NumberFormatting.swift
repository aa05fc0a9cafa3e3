import Foundation

/// How numbers are written on axes and in tables.
public enum NumberFormatting {
  /// A tick label: as many decimals as the tick step needs (0.25 steps get two), scientific notation
  /// for very large or very small magnitudes.
  public static func tick(_ value: Double, step: Double) -> String {
    guard value.isFinite else { return String(value) }
    if value == 0 { return "0" }
    let magnitude = max(abs(value), step)
    if magnitude >= 1e6 || magnitude < 1e-3 { return scientific(value) }
    var decimals = 0
    if step > 0 && step < 1 {
      var s = step
      while decimals < 8 && abs(s.rounded() - s) > 1e-9 * max(1, s) {
        s *= 10
        decimals += 1
      }
    }
    return fixed(value, decimals: decimals)
  }

  /// A log-axis label: 0.001 … 10000 written out, otherwise 1e-5 style.
  public static func logTick(_ value: Double) -> String {
    guard value.isFinite, value > 0 else { return String(value) }
    if value >= 1e-3 && value < 1e5 {
      let exponent = (-log10(value) * 1e9).rounded() / 1e9
      let decimals = max(0, Int(exponent.rounded(.up)))
      return fixed(value, decimals: decimals)
    }
    return scientific(value)
  }

  /// A value in a table: integers as integers, otherwise at most four significant digits (trailing
  /// zeros dropped: 0.0035, not 0.003500).
  public static func metric(_ value: Double) -> String {
    guard value.isFinite else { return value.isNaN ? "NaN" : (value > 0 ? "∞" : "−∞") }
    if value == value.rounded() && abs(value) < 1e12 { return String(Int64(value)) }
    let magnitude = abs(value)
    if magnitude >= 1e6 || magnitude < 1e-3 { return scientific(value) }
    let decimals = max(0, 3 - Int(log10(magnitude).rounded(.down)))
    var s = fixed(value, decimals: decimals)
    if s.contains(".") {
      while s.hasSuffix("0") { s.removeLast() }
      if s.hasSuffix(".") { s.removeLast() }
    }
    return s
  }

  /// Fixed-point with `decimals` digits, trailing zeros kept (they line up in a column).
  static func fixed(_ value: Double, decimals: Int) -> String {
    let s = String(format: "%.\(decimals)f", value)
    return s == "-0" || s.hasPrefix("-0.") && Double(s) == 0 ? String(s.dropFirst()) : s
  }

  /// 1.5e-05 → "1.5e-5": at most three significant digits, no padded exponent.
  static func scientific(_ value: Double) -> String {
    let s = String(format: "%.2e", value)
    guard let e = s.firstIndex(of: "e") else { return s }
    var mantissa = String(s[..<e])
    if mantissa.contains(".") {
      while mantissa.hasSuffix("0") { mantissa.removeLast() }
      if mantissa.hasSuffix(".") { mantissa.removeLast() }
    }
    let exponent = Int(s[s.index(after: e)...]) ?? 0
    return "\(mantissa)e\(exponent)"
  }
}
