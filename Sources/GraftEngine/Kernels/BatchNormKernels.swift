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
    // Images outer, channels inner, as in the backward kernel: each channel's sums add its rows in image
    // order, as a channel-by-channel loop does.
    Parallel.forEachChunk(of: c, work: x.count) { channels in
      for ch in channels { mean[ch] = 0 }
      for b in 0..<n {
        for ch in channels {
          let row = px + (b * c + ch) * s
          mean[ch] += reduceInLanes(s, { i in load8(row + i) }, { i in row[i] })
        }
      }
      for ch in channels { (mean[ch], variance[ch]) = (mean[ch] / count, 0) }
      for b in 0..<n {
        for ch in channels {
          let (row, m) = (px + (b * c + ch) * s, mean[ch])
          variance[ch] += reduceInLanes(
            s,
            { i in
              let d = load8(row + i) - m
              return d * d
            }, { i in (row[i] - m) * (row[i] - m) })
        }
      }
      for ch in channels {
        variance[ch] /= count
        invstd[ch] = 1 / (variance[ch] + epsilon).squareRoot()
      }
      for b in 0..<n {
        for ch in channels {
          let (m, scale, shift) = (mean[ch], invstd[ch] * weight[ch], bias[ch])
          let (row, dst) = (px + (b * c + ch) * s, po + (b * c + ch) * s)
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
    // Images outer, channels inner: a thread's rows of one image lie next to each other, so it reads
    // g and x in order instead of one row per image and channel (x is long out of the caches here).
    // Each channel still adds its rows' sums in image order, so the sums are those of a channel-by-channel
    // loop.
    Parallel.forEachChunk(of: c, work: x.count) { channels in
      for ch in channels { (sumG[ch], sumGXhat[ch]) = (0, 0) }
      for b in 0..<n {
        for ch in channels {
          let (gr, xr, m) = (pg + (b * c + ch) * s, px + (b * c + ch) * s, mean[ch])
          sumG[ch] += reduceInLanes(s, { i in load8(gr + i) }, { i in gr[i] })
          sumGXhat[ch] += reduceInLanes(
            s, { i in load8(gr + i) * (load8(xr + i) - m) }, { i in gr[i] * (xr[i] - m) })
        }
      }
      for ch in channels { sumGXhat[ch] *= invstd[ch] }
      guard let pd else { return }
      // Each channel's mean(g), mean(g·x̂) and weight·invstd, once rather than once per image.
      withUnsafeTemporaryAllocation(of: S.self, capacity: 3 * channels.count) { constants in
        for (j, ch) in channels.enumerated() {
          constants[3 * j] = sumG[ch] / count
          constants[3 * j + 1] = sumGXhat[ch] / count
          constants[3 * j + 2] = weight[ch] * invstd[ch]
        }
        for b in 0..<n {
          for (j, ch) in channels.enumerated() {
            let (m, inv) = (mean[ch], invstd[ch])
            let (meanG, meanGX, scale) = (constants[3 * j], constants[3 * j + 1], constants[3 * j + 2])
            let (gr, xr, dr) = (pg + (b * c + ch) * s, px + (b * c + ch) * s, pd + (b * c + ch) * s)
            for i in 0..<s { dr[i] = scale * (gr[i] - meanG - (xr[i] - m) * inv * meanGX) }
          }
        }
      }
    }
  }
}
