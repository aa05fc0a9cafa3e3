extension Kernels {
  /// Copies an n-d view of `src` into an n-d view of `dst`, both described by offset and strides over
  /// `shape`. Permute, expand (stride 0), slice, concatenation and their adjoints are all this copy.
  static func copy<S: TensorScalar>(
    _ src: UnsafeBufferPointer<S>, _ srcLayout: StridedLayout, _ dst: UnsafeMutableBufferPointer<S>,
    _ dstLayout: StridedLayout, shape: [Int]
  ) {
    let total = shape.reduce(1, *)
    guard total > 0, let baseS = src.baseAddress, let baseD = dst.baseAddress else { return }
    let dims = collapse(shape, [srcLayout.strides, dstLayout.strides])
    let (ss0, ds0) = (dims.strides[0][0], dims.strides[1][0])
    // Large copies are split across the cores along the outermost (collapsed) dimension.
    Parallel.forEachChunk(of: dims.shape[0], work: total) { range in
      var block = dims
      block.shape[0] = range.count
      copyBlock(
        baseS + srcLayout.offset + range.lowerBound * ss0, baseD + dstLayout.offset + range.lowerBound * ds0, block)
    }
  }

  /// The serial loop of `copy` over collapsed dimensions, from pointers to the first elements.
  static func copyBlock<S: TensorScalar>(
    _ src: UnsafePointer<S>, _ dst: UnsafeMutablePointer<S>, _ dims: (shape: [Int], strides: [[Int]])
  ) {
    let rank = dims.shape.count
    let total = dims.shape.reduce(1, *)
    let inner = dims.shape[rank - 1]
    let ss = dims.strides[0][rank - 1]
    let ds = dims.strides[1][rank - 1]
    var index = [Int](repeating: 0, count: rank)
    var s = 0
    var d = 0
    var done = 0
    while done < total {
      let ps = src + s
      let pd = dst + d
      if ss == 1 && ds == 1 {
        pd.update(from: ps, count: inner)
      } else if ss == 0 {
        let v = ps[0]
        for i in 0..<inner { pd[i &* ds] = v }
      } else {
        for i in 0..<inner { pd[i &* ds] = ps[i &* ss] }
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
