import Foundation

/// Tick positions for one axis, and the domain they span (the data range widened to whole ticks).
public struct AxisTicks: Equatable, Sendable {
  /// Tick values, increasing.
  public var values: [Double]
  /// The axis' domain; `values` lie within it.
  public var lower: Double
  public var upper: Double
  /// The distance between linear ticks (for label precision); for log ticks, the decade step.
  public var step: Double

  /// "Nice" linear ticks (steps of 1, 2, 2.5 or 5 times a power of ten) covering `[minimum, maximum]`
  /// with about `target` intervals: 0...97 gives 0, 20, 40, 60, 80, 100. An empty or non-finite range
  /// is widened by 10% around its value (zero gives 0...1; non-finite bounds give 0...1).
  public static func linear(_ minimum: Double, _ maximum: Double, target: Int = 5) -> AxisTicks {
    var (lo, hi) = (minimum, maximum)
    if !lo.isFinite || !hi.isFinite { (lo, hi) = (0, 1) }
    if lo > hi { swap(&lo, &hi) }
    // Float32 values logged as doubles (0.019999999552965164 beside 0.02) count as flat.
    if hi - lo <= 1e-7 * max(abs(lo), abs(hi)) { hi = lo }
    if lo == hi {
      // A flat zero series is most often a count or share that stayed at zero: show 0...1.
      if lo == 0 { hi = 1 } else { (lo, hi) = (lo - abs(lo) * 0.1, hi + abs(hi) * 0.1) }
    }
    let step = niceStep((hi - lo) / Double(max(target, 1)))
    // The tolerance keeps 0.3 / 0.1 = 2.9999999999999996 from adding a tick.
    let first = (lo / step + 1e-9).rounded(.down)
    let last = (hi / step - 1e-9).rounded(.up)
    let values = stride(from: first, through: last, by: 1).map { cleaned($0 * step, step: step) }
    return AxisTicks(values: values, lower: values.first ?? lo, upper: values.last ?? hi, step: step)
  }

  /// Ticks for a log-scaled axis over positive `[minimum, maximum]`: powers of ten, with 2 and 5
  /// times them when the range spans under two decades (every digit when even that gives fewer than
  /// three ticks), thinned to every k-th decade when it spans many. The domain is widened to whole
  /// decades (or to the ticks around a narrow range); a range under a factor 1.5 is first widened
  /// by 1.5 each way.
  public static func logarithmic(_ minimum: Double, _ maximum: Double, target: Int = 6) -> AxisTicks {
    var (lo, hi) = (minimum, maximum)
    if !(lo > 0) || !lo.isFinite || !(hi > 0) || !hi.isFinite { (lo, hi) = (1, 10) }
    if lo > hi { swap(&lo, &hi) }
    // A (nearly) flat series gets room around it rather than sitting on the frame.
    if hi < lo * 1.5 { (lo, hi) = (lo / 1.5, hi * 1.5) }
    let firstDecade = Int(log10(lo).rounded(.down))
    let lastDecade = Int(log10(hi).rounded(.up))
    let decades = max(lastDecade - firstDecade, 1)
    if decades <= 2 {
      // 1-2-5 ticks; every digit when that gives too few (a range within a factor of about 2).
      for multiples in [[1.0, 2.0, 5.0], [1.0, 2, 3, 4, 5, 6, 7, 8, 9]] {
        var candidates: [Double] = []
        for e in (firstDecade - 1)...lastDecade {
          for m in multiples { candidates.append(cleaned(m * pow(10, Double(e)), step: pow(10, Double(e)))) }
        }
        let below = candidates.last { $0 <= lo * (1 + 1e-12) } ?? candidates[0]
        let above = candidates.first { $0 >= hi * (1 - 1e-12) } ?? candidates[candidates.count - 1]
        let values = candidates.filter { $0 >= below && $0 <= above }
        if values.count >= 3 || multiples.count > 3 {
          return AxisTicks(values: values, lower: below, upper: above, step: 1)
        }
      }
    }
    let every = max(1, Int((Double(decades) / Double(max(target, 1))).rounded(.up)))
    let start = Int((Double(firstDecade) / Double(every)).rounded(.down)) * every
    let end = Int((Double(lastDecade) / Double(every)).rounded(.up)) * every
    let values = stride(from: start, through: end, by: every).map { pow(10, Double($0)) }
    return AxisTicks(values: values, lower: values[0], upper: values[values.count - 1], step: Double(every))
  }

  /// The smallest of 1, 2, 2.5, 5, 10 times a power of ten that is at least `raw`.
  static func niceStep(_ raw: Double) -> Double {
    guard raw > 0, raw.isFinite else { return 1 }
    let magnitude = pow(10, log10(raw).rounded(.down))
    let fraction = raw / magnitude
    let nice: Double = fraction <= 1 ? 1 : fraction <= 2 ? 2 : fraction <= 2.5 ? 2.5 : fraction <= 5 ? 5 : 10
    return nice * magnitude
  }

  /// `value` rounded to well below `step`, so that 3 * 0.1 prints as 0.3 and -0 as 0.
  static func cleaned(_ value: Double, step: Double) -> Double {
    guard step > 0, step.isFinite, value.isFinite else { return value }
    // Round to a power of ten six decades below the step; dividing by an exact power of ten (rather
    // than multiplying by an inexact 1e-7) gives the double nearest the decimal.
    let exponent = (log10(step) - 6).rounded(.down)
    let v =
      exponent < 0
      ? (value * pow(10, -exponent)).rounded() / pow(10, -exponent)
      : (value / pow(10, exponent)).rounded() * pow(10, exponent)
    return v == 0 ? 0 : v
  }
}
