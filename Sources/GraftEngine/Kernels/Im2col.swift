/// The geometry of a 2-D convolution with the batch folded into the columns: an image batch
/// [batch, channels, height, width] and its column matrix [channels·kh·kw, batch·outHeight·outWidth].
public struct ConvGeometry: Sendable, Equatable {
  public var batch: Int, channels: Int, height: Int, width: Int
  public var kernelHeight: Int, kernelWidth: Int, stride: Int, padding: Int

  public init(
    batch: Int, channels: Int, height: Int, width: Int, kernelHeight: Int, kernelWidth: Int, stride: Int,
    padding: Int
  ) {
    self.batch = batch
    self.channels = channels
    self.height = height
    self.width = width
    self.kernelHeight = kernelHeight
    self.kernelWidth = kernelWidth
    self.stride = stride
    self.padding = padding
  }

  public var outHeight: Int { (height + 2 * padding - kernelHeight) / stride + 1 }
  public var outWidth: Int { (width + 2 * padding - kernelWidth) / stride + 1 }
  /// Rows of the column matrix: channels·kh·kw.
  public var rows: Int { channels * kernelHeight * kernelWidth }
  /// Columns of the column matrix: batch·outHeight·outWidth.
  public var columns: Int { batch * outHeight * outWidth }
  public var imageShape: [Int] { [batch, channels, height, width] }
}

extension Kernels {
  /// cols[(c·kh + i)·kw + j, (n·OH + oy)·OW + ox] = x[n, c, oy·s − p + i, ox·s − p + j] (0 outside).
  /// Channels are split across cores: each writes its own rows.
  static func im2col<S: TensorScalar>(
    _ x: UnsafeBufferPointer<S>, _ g: ConvGeometry, _ cols: UnsafeMutableBufferPointer<S>
  ) {
    let src = UncheckedSendable(x.baseAddress!)
    let dstBase = UncheckedSendable(cols.baseAddress!)
    Parallel.forEachChunk(of: g.channels, work: cols.count) { channels in
      let x = src.value
      let cols = dstBase.value
      let (oh, ow, s, p) = (g.outHeight, g.outWidth, g.stride, g.padding)
      for c in channels {
        for i in 0..<g.kernelHeight {
          for j in 0..<g.kernelWidth {
            let (lo, hi) = validRange(offset: j, count: ow, stride: s, padding: p, size: g.width)
            var dst = cols + ((c * g.kernelHeight + i) * g.kernelWidth + j) * g.columns
            for n in 0..<g.batch {
              let image = x + (n * g.channels + c) * g.height * g.width
              for oy in 0..<oh {
                let iy = oy * s - p + i
                if iy < 0 || iy >= g.height {
                  dst.update(repeating: 0, count: ow)
                } else {
                  let row = image + iy * g.width + j - p
                  if lo > 0 { dst.update(repeating: 0, count: lo) }
                  if s == 1 {
                    (dst + lo).update(from: row + lo, count: hi - lo)
                  } else {
                    for ox in lo..<hi { dst[ox] = row[ox &* s] }
                  }
                  if hi < ow { (dst + hi).update(repeating: 0, count: ow - hi) }
                }
                dst += ow
              }
            }
          }
        }
      }
    }
  }

  /// The adjoint of `im2col`: every column entry is added back to the pixel it was read from.
  /// `x` must be zero on entry. Channels are split across cores: each writes its own pixels.
  static func col2im<S: TensorScalar>(
    _ cols: UnsafeBufferPointer<S>, _ g: ConvGeometry, _ x: UnsafeMutableBufferPointer<S>
  ) {
    let srcBase = UncheckedSendable(cols.baseAddress!)
    let dstBase = UncheckedSendable(x.baseAddress!)
    Parallel.forEachChunk(of: g.channels, work: cols.count) { channels in
      let cols = srcBase.value
      let x = dstBase.value
      let (oh, ow, s, p) = (g.outHeight, g.outWidth, g.stride, g.padding)
      for c in channels {
        for i in 0..<g.kernelHeight {
          for j in 0..<g.kernelWidth {
            let (lo, hi) = validRange(offset: j, count: ow, stride: s, padding: p, size: g.width)
            var src = cols + ((c * g.kernelHeight + i) * g.kernelWidth + j) * g.columns
            for n in 0..<g.batch {
              let image = x + (n * g.channels + c) * g.height * g.width
              for oy in 0..<oh {
                let iy = oy * s - p + i
                if iy >= 0 && iy < g.height {
                  let row = image + iy * g.width + j - p
                  for ox in lo..<hi { row[ox &* s] += src[ox] }
                }
                src += ow
              }
            }
          }
        }
      }
    }
  }

  /// The output positions o in 0..<count whose input index o·stride − padding + offset lies in 0..<size.
  @inline(__always)
  static func validRange(offset: Int, count: Int, stride: Int, padding: Int, size: Int) -> (Int, Int) {
    // o·s ≥ p − offset  and  o·s ≤ size − 1 + p − offset.
    let low = max(0, (padding - offset + stride - 1) / stride)
    let lastIndex = size - 1 + padding - offset
    let high = lastIndex < 0 ? 0 : min(count, lastIndex / stride + 1)
    return (min(low, high), high)
  }
}
