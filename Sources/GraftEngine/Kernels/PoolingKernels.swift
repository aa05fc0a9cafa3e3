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

  /// Calls `eight(ox)` for runs of eight outputs of a row whose windows lie wholly inside the image's
  /// width, and `one(ox)` for each other output: each of 0..<outputs once, in order.
  @inline(__always) func forEachWindowRun(outputs: Int, _ one: (Int) -> Void, eight: (Int) -> Void) {
    // Output ox's window is inside when ox·stride ≥ padding and ox·stride − padding + kernel ≤ width.
    let first = min(outputs, (padding + stride - 1) / stride)
    let last = width + padding - kernel
    let end = last < 0 ? first : max(first, min(outputs, last / stride + 1))
    var ox = 0
    while ox < first {
      one(ox)
      ox += 1
    }
    while ox + 8 <= end {
      eight(ox)
      ox += 8
    }
    while ox < outputs {
      one(ox)
      ox += 1
    }
  }

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
          let o = (p * oh + oy) * ow
          // One window, the scalar way.
          let one = { (ox: Int) in
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
            dst.value[o + ox] = best
            idx.value[o + ox] = p * plane + at
          }
          g.forEachWindowRun(outputs: ow, one) { ox in
            // Eight windows inside the image side by side (Float; Double takes them one at a time).
            guard S.self == Float.self, plane < 1 << 31 else { return (ox..<ox + 8).forEach(one) }
            let at = maxPoolEight(
              UnsafeRawPointer(x).assumingMemoryBound(to: Float.self), rows: rows, width: g.width,
              start: ox * g.stride - g.padding, kernel: g.kernel, stride: g.stride,
              into: UnsafeMutableRawPointer(dst.value + o + ox).assumingMemoryBound(to: Float.self))
            for lane in 0..<8 { idx.value[o + ox + lane] = p * plane + Int(at[lane]) }
          }
        }
      }
    }
  }

  /// The maxima of eight windows of a plane `x` whose columns start at start, start + stride, …, one per
  /// lane, into y[0..<8], each window visited in `maxPoolForward`'s order with its rule; returns their
  /// positions in the plane.
  @inline(__always)
  static func maxPoolEight(
    _ x: UnsafePointer<Float>, rows: Range<Int>, width: Int, start: Int, kernel: Int, stride: Int,
    into y: UnsafeMutablePointer<Float>
  ) -> SIMD8<Int32> {
    let lanes = SIMD8<Int32>(0, 1, 2, 3, 4, 5, 6, 7) &* Int32(stride)
    var best = SIMD8<Float>(repeating: -.infinity)
    var at = SIMD8<Int32>(repeating: Int32(rows.lowerBound * width + start)) &+ lanes
    for r in rows {
      for c in 0..<kernel {
        let offset = r * width + start + c
        let v = load8(x + offset, stride: stride)
        let wins = (v .> best) .| (v .!= v)
        best.replace(with: v, where: wins)
        at.replace(with: SIMD8(repeating: Int32(offset)) &+ lanes, where: wins)
      }
    }
    UnsafeMutableRawPointer(y).storeBytes(of: best, as: SIMD8<Float>.self)
    return at
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
          g.forEachWindowRun(outputs: ow) { ox in
            let columns = g.window(ox, size: g.width)
            var sum = S.zero
            for r in rows {
              for c in columns { sum += x[r * g.width + c] }
            }
            let count = countIncludePad ? g.kernel * g.kernel : rows.count * columns.count
            y[oy * ow + ox] = sum / S(count)
          } eight: { ox in
            // Eight windows inside the image, one per lane, each summed in the same order as above.
            let start = ox * g.stride - g.padding
            var sum = SIMD8<S>()
            for r in rows {
              for c in 0..<g.kernel { sum += load8(x + r * g.width + start + c, stride: g.stride) }
            }
            let count = countIncludePad ? g.kernel * g.kernel : rows.count * g.kernel
            UnsafeMutableRawPointer(y + oy * ow + ox).storeBytes(
              of: sum / SIMD8(repeating: S(count)), as: SIMD8<S>.self)
          }
        }
      }
    }
  }

  /// Eight numbers `stride` apart from `p`.
  @inline(__always)
  static func load8<S: TensorScalar>(_ p: UnsafePointer<S>, stride: Int) -> SIMD8<S> {
    if stride == 1 { return load8(p) }
    return SIMD8(
      p[0], p[stride], p[2 * stride], p[3 * stride], p[4 * stride], p[5 * stride], p[6 * stride], p[7 * stride])
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
