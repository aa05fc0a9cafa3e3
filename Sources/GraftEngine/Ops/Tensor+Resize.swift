import Foundation

extension Tensor {
  /// Bilinear resizing of [N, C, H, W] to [N, C, height, width], as PyTorch's
  /// `F.interpolate(mode="bilinear", align_corners=False)` without antialiasing (pytorch-fid's resize
  /// to 299×299): output pixel i samples input coordinate (i + ½)·(in/out) − ½, clamped at 0, between
  /// its two neighbours.
  ///
  /// Bilinear resizing is separable and linear, so it is two matrix products, one per axis (each row
  /// of a matrix holds a pixel's two weights); its gradient is theirs.
  public func resizedBilinear(height: Int, width: Int) -> Tensor {
    guard rank == 4, height >= 1, width >= 1, shape[2] >= 1, shape[3] >= 1 else {
      fail(ShapeError(op: "resizedBilinear", "needs [N, C, H, W] and a size ≥ 1; got \(shape) to \(height)x\(width)"))
    }
    let (n, c, h, w) = (shape[0], shape[1], shape[2], shape[3])
    if (h, w) == (height, width) { return self }
    let alongWidth = Self.bilinearWeights(from: w, to: width)  // [w, width]
    let alongHeight = Self.bilinearWeights(from: h, to: height)  // [h, height]
    let rows = GraftEngine.matmul(reshaped(to: [n * c * h, w]), alongWidth)  // [n·c·h, width]
    let columnsFirst = rows.reshaped(to: [n * c, h, width]).transposed(1, 2).reshaped(to: [n * c * width, h])
    let resized = GraftEngine.matmul(columnsFirst, alongHeight)  // [n·c·width, height]
    return resized.reshaped(to: [n * c, width, height]).transposed(1, 2).reshaped(to: [n, c, height, width])
  }

  /// [input, output]: column o holds output pixel o's weights on the input pixels. Computed in Float,
  /// as PyTorch's CPU kernel computes them for float images.
  static func bilinearWeights(from input: Int, to output: Int) -> Tensor {
    var weights = Scalar._filled(0, count: input * output)
    let scale = Float(input) / Float(output)
    for o in 0..<output {
      let source = max(scale * (Float(o) + 0.5) - 0.5, 0)
      let i0 = min(Int(source), input - 1)
      let i1 = i0 < input - 1 ? i0 + 1 : i0
      let lambda1 = source - Float(i0)
      weights[i0 * output + o] += Scalar(1 - lambda1)
      weights[i1 * output + o] += Scalar(lambda1)
    }
    return Tensor(shape: [input, output], scalars: weights)
  }
}
