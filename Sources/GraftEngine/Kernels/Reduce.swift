extension Kernels {
  /// Sums the middle axis of x viewed as [outer, count, inner] into out, viewed as [outer, inner].
  static func sum<S: TensorScalar>(
    _ x: UnsafeBufferPointer<S>, outer: Int, count: Int, inner: Int, _ out: UnsafeMutableBufferPointer<S>
  ) {
    if inner == 1 {
      for o in 0..<outer {
        out[o] = sumContiguous(UnsafeBufferPointer(rebasing: x[(o * count)..<((o + 1) * count)]))
      }
      return
    }
    // Pointers, not `dst + i` indices: overflow-checked index arithmetic blocks vectorisation.
    for o in 0..<outer {
      let dst = out.baseAddress! + o * inner
      let src = x.baseAddress! + o * count * inner
      for i in 0..<inner { dst[i] = 0 }
      for c in 0..<count {
        let row = src + c * inner
        for i in 0..<inner { dst[i] += row[i] }
      }
    }
  }

  /// Blocked summation: partial sums of short runs keep the rounding error near that of pairwise
  /// summation while the inner loop stays vectorisable.
  @inline(__always)
  static func sumContiguous<S: TensorScalar>(_ x: UnsafeBufferPointer<S>) -> S {
    let block = 128
    var total: S = 0
    var start = 0
    while start < x.count {
      let end = min(start + block, x.count)
      var partial: S = 0
      for i in start..<end { partial += x[i] }
      total += partial
      start = end
    }
    return total
  }
}
