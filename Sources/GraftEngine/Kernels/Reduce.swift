extension Kernels {
  /// Sums the middle axis of x viewed as [outer, count, inner] into out, viewed as [outer, inner].
  static func sum<S: TensorScalar>(
    _ x: UnsafeBufferPointer<S>, outer: Int, count: Int, inner: Int, _ out: UnsafeMutableBufferPointer<S>
  ) {
    guard let px = x.baseAddress, let po = out.baseAddress else { return }
    let work = outer * count * inner
    if inner == 1 && outer == 1 {
      po[0] = sumContiguous(x)
      return
    }
    if inner == 1 {
      // Many rows (a conv bias's gradient sums each image's channel plane first): eight lanes per row,
      // rows split across the cores. A single row (a loss mean) keeps the sequential order above.
      Parallel.forEachChunk(of: outer, work: work) { rows in
        for o in rows {
          let row = px + o * count
          po[o] = reduceInLanes(count, { i in load8(row + i) }, { i in row[i] })
        }
      }
      return
    }
    // Split across the cores over the outer index when there are enough, else over columns of the
    // inner one. Pointers, not `dst + i` indices: overflow-checked index arithmetic blocks vectorisation.
    if outer >= Parallel.threads {
      Parallel.forEachChunk(of: outer, work: work) { range in
        for o in range { sumColumns(px + o * count * inner, count: count, stride: inner, width: inner, po + o * inner) }
      }
    } else {
      Parallel.forEachChunk(of: inner, work: work) { range in
        for o in 0..<outer {
          sumColumns(
            px + o * count * inner + range.lowerBound, count: count, stride: inner, width: range.count,
            po + o * inner + range.lowerBound)
        }
      }
    }
  }

  /// dst[i] = Σ_c src[c·stride + i] for i < width.
  @inline(__always)
  static func sumColumns<S: TensorScalar>(
    _ src: UnsafePointer<S>, count: Int, stride: Int, width: Int, _ dst: UnsafeMutablePointer<S>
  ) {
    for i in 0..<width { dst[i] = 0 }
    for c in 0..<count {
      let row = src + c * stride
      for i in 0..<width { dst[i] += row[i] }
    }
  }

  /// Blocked summation: partial sums of short runs keep the rounding error near that of pairwise
  /// summation while the inner loop stays vectorisable.
  @inline(__always)
  static func sumContiguous<S: TensorScalar>(_ x: UnsafeBufferPointer<S>) -> S {
    // (Kept sequential within blocks: GAN trajectories, and so the tests' seed outcomes, follow the
    // rounding of the loss means; eight-lane sums changed the ring8 main job's seed 0 from 7 to 5 modes.)
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

  /// Σ term(i) for i in 0..<count, with `lanes(i)` giving the terms i..<i+8 at once: eight interleaved
  /// running sums, so the loop vectorises instead of waiting on one chain of additions. The order is
  /// fixed by `count` alone, so results are reproducible.
  @inline(__always)
  static func reduceInLanes<S: TensorScalar>(
    _ count: Int, _ lanes: (Int) -> SIMD8<S>, _ term: (Int) -> S
  ) -> S {
    var sums = SIMD8<S>()
    var i = 0
    while i &+ 8 <= count {
      sums += lanes(i)
      i &+= 8
    }
    var tail: S = 0
    while i < count {
      tail += term(i)
      i &+= 1
    }
    return sums.sum() + tail
  }

  /// The eight numbers at `p`.
  @inline(__always)
  static func load8<S: TensorScalar>(_ p: UnsafePointer<S>) -> SIMD8<S> {
    UnsafeRawPointer(p).loadUnaligned(as: SIMD8<S>.self)
  }
}
