extension Kernels {
  /// Copies an n-d view of `src` into an n-d view of `dst`, both described by offset and strides over
  /// `shape`. Permute, expand (stride 0), slice, concatenation and their adjoints are all this copy.
  static func copy<S: TensorScalar>(
    _ src: UnsafeBufferPointer<S>, _ srcLayout: StridedLayout, _ dst: UnsafeMutableBufferPointer<S>,
    _ dstLayout: StridedLayout, shape: [Int]
  ) {
    let total = shape.reduce(1, *)
    if total == 0 { return }
    let dims = collapse(shape, [srcLayout.strides, dstLayout.strides])
    let rank = dims.shape.count
    let inner = dims.shape[rank - 1]
    let ss = dims.strides[0][rank - 1]
    let ds = dims.strides[1][rank - 1]
    var index = [Int](repeating: 0, count: rank)
    var s = srcLayout.offset
    var d = dstLayout.offset
    var done = 0
    while done < total {
      if ss == 1 && ds == 1 {
        for i in 0..<inner { dst[d + i] = src[s + i] }
      } else if ss == 0 {
        let v = src[s]
        for i in 0..<inner { dst[d + i * ds] = v }
      } else {
        for i in 0..<inner { dst[d + i * ds] = src[s + i * ss] }
      }
      done += inner
      var k = rank - 2
      while k >= 0 {
        index[k] += 1
        s += dims.strides[0][k]
        d += dims.strides[1][k]
        if index[k] < dims.shape[k] { break }
        s -= dims.strides[0][k] * dims.shape[k]
        d -= dims.strides[1][k] * dims.shape[k]
        index[k] = 0
        k -= 1
      }
    }
  }
}

/// Row-major strides of a contiguous tensor of this shape.
func contiguousStrides(_ shape: [Int]) -> [Int] {
  var strides = [Int](repeating: 1, count: shape.count)
  var running = 1
  for d in stride(from: shape.count - 1, through: 0, by: -1) {
    strides[d] = running
    running *= shape[d]
  }
  return strides
}
