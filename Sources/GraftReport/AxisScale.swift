import Foundation

/// Maps data values on one axis to pixels, linearly or logarithmically.
struct AxisScale {
  var lower: Double
  var upper: Double
  var pixelLower: Double
  var pixelUpper: Double
  var logarithmic = false

  init(_ ticks: AxisTicks, pixels: (Double, Double), logarithmic: Bool = false) {
    lower = ticks.lower
    upper = ticks.upper
    (pixelLower, pixelUpper) = pixels
    self.logarithmic = logarithmic
  }

  /// Whether `value` can be drawn on this axis (finite, and positive on a log axis).
  func accepts(_ value: Double) -> Bool { value.isFinite && (!logarithmic || value > 0) }

  func callAsFunction(_ value: Double) -> Double {
    let (a, b, v) = logarithmic ? (log10(lower), log10(upper), log10(value)) : (lower, upper, value)
    let t = b == a ? 0.5 : (v - a) / (b - a)
    return pixelLower + t * (pixelUpper - pixelLower)
  }
}
