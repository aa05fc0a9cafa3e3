/// The windows of a 2-D pooling over planes of [planes, H, W]: kernel×kernel, a stride, and padding on
/// every side (windows may reach into it; a position there holds nothing).
public struct PoolGeometry: Sendable, Equatable {
  public var planes: Int, height: Int, width: Int
  public var kernel: Int, stride: Int, padding: Int

  public init(planes: Int, height: Int, width: Int, kernel: Int, stride: Int, padding: Int) {
    (self.planes, self.height, self.width) = (planes, height, width)
    (self.kernel, self.stride, self.padding) = (kernel, stride, padding)
  }

  /// PyTorch's output size without ceil mode: ⌊(H + 2p − k)/s⌋ + 1.
  public var outHeight: Int { (height + 2 * padding - kernel) / stride + 1 }
  public var outWidth: Int { (width + 2 * padding - kernel) / stride + 1 }

  /// The rows (or columns) of output `o`'s window that lie inside an extent of `size`.
  @inline(__always) func window(_ o: Int, size: Int) -> Range<Int> {
    let start = o * stride - padding
    return max(start, 0)..<min(start + kernel, size)
  }
}

extension Kernels {
  /// y[p, oy, ox] = the largest x[p, y, x] in the window (padding never wins, as in PyTorch, whose
  /// padding is −∞), and `argmax` its index in x (the first of equal values; a NaN wins, as in PyTorch).
  static func maxPoolForward<S: TensorScalar>(
    _ x: UnsafeBufferPointer<S>, _ g: PoolGeometry, _ y: UnsafeMutableBufferPointer<S>,
    argmax: UnsafeMutableBufferPointer<Int>
  ) {
    let (src, dst, idx) = (
      UncheckedSendable(x.baseAddress!), UncheckedSendable(y.baseAddress!), UncheckedSendable(argmax.baseAddress!)
    )
    let (oh, ow, plane) = (g.outHeight, g.outWidth, g.height * g.width)
    Parallel.forEachChunk(of: g.planes, work: y.count * g.kernel * g.kernel) { planes in
      for p in planes {
        let x = src.value + p * plane
        for oy in 0..<oh {
          let rows = g.window(oy, size: g.height)
          for ox in 0..<ow {
            let columns = g.window(ox, size: g.width)
            var best = -S.infinity
            var at = rows.lowerBound * g.width + columns.lowerBound
            for r in rows {
              for c in columns {
                let v = x[r * g.width + c]
                if v > best || v.isNaN {
                  best = v
                  at = r * g.width + c
                }
              }
            }
            let o = (p * oh + oy) * ow + ox
            dst.value[o] = best
            idx.value[o] = p * plane + at
          }
        }
      }
    }
  }

  /// y[p, oy, ox] = the mean of the window's x: over the positions inside the image, or over all
  /// kernel² positions (padding counted as zeros) when `countIncludePad`.
  static func avgPoolForward<S: TensorScalar>(
    _ x: UnsafeBufferPointer<S>, _ g: PoolGeometry, countIncludePad: Bool, _ y: UnsafeMutableBufferPointer<S>
  ) {
    let (src, dst) = (UncheckedSendable(x.baseAddress!), UncheckedSendable(y.baseAddress!))
    let (oh, ow, plane) = (g.outHeight, g.outWidth, g.height * g.width)
    Parallel.forEachChunk(of: g.planes, work: y.count * g.kernel * g.kernel) { planes in
      for p in planes {
        let x = src.value + p * plane
        let y = dst.value + p * oh * ow
        for oy in 0..<oh {
          let rows = g.window(oy, size: g.height)
          for ox in 0..<ow {
            let columns = g.window(ox, size: g.width)
            var sum = S.zero
            for r in rows {
              for c in columns { sum += x[r * g.width + c] }
            }
            let count = countIncludePad ? g.kernel * g.kernel : rows.count * columns.count
            y[oy * ow + ox] = sum / S(count)
          }
        }
      }
    }
  }

  /// The adjoint of `avgPoolForward`: gx[p, y, x] = Σ over the windows holding (y, x) of gy / count.
  static func avgPoolAdjoint<S: TensorScalar>(
    _ gy: UnsafeBufferPointer<S>, _ g: PoolGeometry, countIncludePad: Bool, _ gx: UnsafeMutableBufferPointer<S>
  ) {
    let (src, dst) = (UncheckedSendable(gy.baseAddress!), UncheckedSendable(gx.baseAddress!))
    let (oh, ow, plane) = (g.outHeight, g.outWidth, g.height * g.width)
    Parallel.forEachChunk(of: g.planes, work: gy.count * g.kernel * g.kernel) { planes in
      for p in planes {
        let gx = dst.value + p * plane
        let gy = src.value + p * oh * ow
        gx.update(repeating: 0, count: plane)
        for oy in 0..<oh {
          let rows = g.window(oy, size: g.height)
          for ox in 0..<ow {
            let columns = g.window(ox, size: g.width)
            let count = countIncludePad ? g.kernel * g.kernel : rows.count * columns.count
            let share = gy[oy * ow + ox] / S(count)
            for r in rows {
              for c in columns { gx[r * g.width + c] += share }
            }
          }
        }
      }
    }
  }
}
