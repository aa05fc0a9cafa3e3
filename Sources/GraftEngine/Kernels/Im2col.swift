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
  static func im2col<S: TensorScalar>(
    _ x: UnsafeBufferPointer<S>, _ g: ConvGeometry, _ cols: UnsafeMutableBufferPointer<S>
  ) {
    let oh = g.outHeight
    let ow = g.outWidth
    let columns = g.columns
    for c in 0..<g.channels {
      for i in 0..<g.kernelHeight {
        for j in 0..<g.kernelWidth {
          let row = ((c * g.kernelHeight + i) * g.kernelWidth + j) * columns
          for n in 0..<g.batch {
            let image = (n * g.channels + c) * g.height * g.width
            for oy in 0..<oh {
              let dst = row + (n * oh + oy) * ow
              let iy = oy * g.stride - g.padding + i
              if iy < 0 || iy >= g.height {
                for ox in 0..<ow { cols[dst + ox] = 0 }
                continue
              }
              let src = image + iy * g.width
              for ox in 0..<ow {
                let ix = ox * g.stride - g.padding + j
                cols[dst + ox] = (ix >= 0 && ix < g.width) ? x[src + ix] : 0
              }
            }
          }
        }
      }
    }
  }

  /// The adjoint of `im2col`: every column entry is added back to the pixel it was read from.
  /// `x` must be zero on entry.
  static func col2im<S: TensorScalar>(
    _ cols: UnsafeBufferPointer<S>, _ g: ConvGeometry, _ x: UnsafeMutableBufferPointer<S>
  ) {
    let oh = g.outHeight
    let ow = g.outWidth
    let columns = g.columns
    for c in 0..<g.channels {
      for i in 0..<g.kernelHeight {
        for j in 0..<g.kernelWidth {
          let row = ((c * g.kernelHeight + i) * g.kernelWidth + j) * columns
          for n in 0..<g.batch {
            let image = (n * g.channels + c) * g.height * g.width
            for oy in 0..<oh {
              let iy = oy * g.stride - g.padding + i
              if iy < 0 || iy >= g.height { continue }
              let src = row + (n * oh + oy) * ow
              let dst = image + iy * g.width
              for ox in 0..<ow {
                let ix = ox * g.stride - g.padding + j
                if ix >= 0 && ix < g.width { x[dst + ix] += cols[src + ox] }
              }
            }
          }
        }
      }
    }
  }
}
