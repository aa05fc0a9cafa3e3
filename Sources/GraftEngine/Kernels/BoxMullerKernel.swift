import CGlibcExtras

/// Box–Muller four pairs at a time, for normals that are rounded to Float at once
/// (`RandomGenerator.normalRows(_:count:scale:after:offset:)`).
///
/// The scalar transform spends most of its time in glibc's `log` and `sincos`, one value at a time.
/// `box_muller.h` computes them as polynomials on four AVX2 lanes, to about 1e-16 (the tests measure
/// it against glibc), so its normals differ from the scalar ones in the last bits of a Double. They never
/// reach a caller: a value is kept only when every Double within `certifiedError` · r of it rounds to
/// the same Float (the caller's rounding is monotone in z), which makes it exactly the Float of the
/// scalar normal; the rare value near a rounding boundary is computed again by the scalar transform.
/// Hence the same numbers as before, bit for bit, on every CPU.
public enum BoxMullerKernel {
  /// A bound on |scalar normal − lane normal| as a multiple of the pair's radius r: ten thousand times
  /// the error measured (BoxMullerKernelTests), while values that need the scalar transform stay rare
  /// (about 2e-5 of them when rounded to Float).
  public static let certifiedError = 1e-12

  /// For `pairs` pairs of words (a₀ b₀ a₁ b₁ … at `words`): the radius r = √(−2 log(1 − u(a))) and the
  /// normals r·cos θ, r·sin θ with θ = 2π·u(b), u(w) = (w >> 11)·2⁻⁵³ (as `RandomGenerator` draws them).
  public static func pairs(
    _ words: UnsafePointer<UInt64>, count pairs: Int, radius: UnsafeMutablePointer<Double>,
    cosine: UnsafeMutablePointer<Double>, sine: UnsafeMutablePointer<Double>
  ) {
    let whole = pairs & ~3
    graft_box_muller(words, whole, radius, cosine, sine)
    guard whole < pairs else { return }
    // The last one to three pairs, through a padded copy (the kernel takes four at a time).
    var (w, r, c, s) = (
      (0..<8).map { _ in UInt64(0) }, [Double](repeating: 0, count: 4), [Double](repeating: 0, count: 4),
      [Double](repeating: 0, count: 4)
    )
    for i in 0..<(2 * (pairs - whole)) { w[i] = words[2 * whole + i] }
    graft_box_muller(w, 4, &r, &c, &s)
    for i in 0..<(pairs - whole) { (radius[whole + i], cosine[whole + i], sine[whole + i]) = (r[i], c[i], s[i]) }
  }

  /// The lane logarithm on values in (0, 1] (for tests).
  public static func log(_ x: [Double]) -> [Double] {
    let padded = x + [Double](repeating: 1, count: (4 - x.count % 4) % 4)
    var out = [Double](repeating: 0, count: padded.count)
    graft_bm_log_array(padded, padded.count, &out)
    return Array(out.prefix(x.count))
  }

  /// The lane sine and cosine on angles in [0, 2π) (for tests).
  public static func sinCos(_ theta: [Double]) -> (sin: [Double], cos: [Double]) {
    let padded = theta + [Double](repeating: 0, count: (4 - theta.count % 4) % 4)
    var (s, c) = ([Double](repeating: 0, count: padded.count), [Double](repeating: 0, count: padded.count))
    graft_bm_sincos_array(padded, padded.count, &s, &c)
    return (Array(s.prefix(theta.count)), Array(c.prefix(theta.count)))
  }
}
