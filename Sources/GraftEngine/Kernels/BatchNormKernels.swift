/// Batch-norm layout: x viewed as [N, C, S] (S = H·W, or 1 for [N, C]); statistics per channel.
public struct BatchNormLayout: Sendable, Equatable {
  public var batch: Int
  public var channels: Int
  public var spatial: Int
}

extension Kernels {
  /// Per-channel batch mean and biased variance (two passes, so the variance does not lose precision to
  /// a large mean), then out = (x − mean)·invstd·weight + bias. Writes mean, variance and invstd [C].
  static func batchNormForward<S: TensorScalar>(
    _ x: UnsafeBufferPointer<S>, _ weight: UnsafeBufferPointer<S>, _ bias: UnsafeBufferPointer<S>, epsilon: S,
    _ layout: BatchNormLayout, out: UnsafeMutableBufferPointer<S>, mean: UnsafeMutableBufferPointer<S>,
    variance: UnsafeMutableBufferPointer<S>, invstd: UnsafeMutableBufferPointer<S>
  ) {
    let (n, c, s) = (layout.batch, layout.channels, layout.spatial)
    let count = S(n * s)
    let px = x.baseAddress!
    let po = out.baseAddress!
    Parallel.forEachChunk(of: c, work: x.count) { channels in
      for ch in channels {
        var total: S = 0
        for b in 0..<n {
          let row = px + (b * c + ch) * s
          total += reduceInLanes(s, { i in load8(row + i) }, { i in row[i] })
        }
        let m = total / count
        var squares: S = 0
        for b in 0..<n {
          let row = px + (b * c + ch) * s
          squares += reduceInLanes(
            s,
            { i in
              let d = load8(row + i) - m
              return d * d
            }, { i in (row[i] - m) * (row[i] - m) })
        }
        let v = squares / count
        let inv = 1 / (v + epsilon).squareRoot()
        mean[ch] = m
        variance[ch] = v
        invstd[ch] = inv
        let scale = inv * weight[ch]
        let shift = bias[ch]
        for b in 0..<n {
          let row = px + (b * c + ch) * s
          let dst = po + (b * c + ch) * s
          for i in 0..<s { dst[i] = (row[i] - m) * scale + shift }
        }
      }
    }
  }

  /// The batch-norm input gradient for an output gradient g, with x̂ = (x − mean)·invstd:
  /// dx = weight·invstd·(g − mean(g) − x̂·mean(g·x̂)), per channel. Also writes Σg and Σg·x̂ [C]
  /// (the bias and weight gradients).
  static func batchNormBackward<S: TensorScalar>(
    _ g: UnsafeBufferPointer<S>, _ x: UnsafeBufferPointer<S>, _ mean: UnsafeBufferPointer<S>,
    _ invstd: UnsafeBufferPointer<S>, _ weight: UnsafeBufferPointer<S>, _ layout: BatchNormLayout,
    dx: UnsafeMutableBufferPointer<S>, sumG: UnsafeMutableBufferPointer<S>, sumGXhat: UnsafeMutableBufferPointer<S>
  ) {
    // An empty dx asks for the two sums only (the weight's gradient).
    let (n, c, s) = (layout.batch, layout.channels, layout.spatial)
    let count = S(n * s)
    // (An empty array's buffer may still have a base address, so the count decides.)
    let (pg, px, pd) = (g.baseAddress!, x.baseAddress!, dx.isEmpty ? nil : dx.baseAddress)
    Parallel.forEachChunk(of: c, work: x.count) { channels in
      for ch in channels {
        let (m, inv) = (mean[ch], invstd[ch])
        var sg: S = 0
        var sgx: S = 0
        for b in 0..<n {
          let (gr, xr) = (pg + (b * c + ch) * s, px + (b * c + ch) * s)
          sg += reduceInLanes(s, { i in load8(gr + i) }, { i in gr[i] })
          sgx += reduceInLanes(s, { i in load8(gr + i) * (load8(xr + i) - m) }, { i in gr[i] * (xr[i] - m) })
        }
        sgx *= inv
        sumG[ch] = sg
        sumGXhat[ch] = sgx
        guard pd != nil else { continue }
        let meanG = sg / count
        let meanGX = sgx / count
        let scale = weight[ch] * inv
        for b in 0..<n {
          let (gr, xr, dr) = (pg + (b * c + ch) * s, px + (b * c + ch) * s, pd! + (b * c + ch) * s)
          for i in 0..<s { dr[i] = scale * (gr[i] - meanG - (xr[i] - m) * inv * meanGX) }
        }
      }
    }
  }
}
