extension Tensor {
  /// [N, C, H, W] with `height` rows of zeros above and below and `width` columns of zeros left and
  /// right: [N, C, H + 2·height, W + 2·width]. A convolution with different padding along each axis
  /// (PyTorch's `padding=(0, 3)` for a 1×7 kernel) is this, then an unpadded convolution. The pullback
  /// slices the interior out again.
  public func zeroPadded(height: Int, width: Int) -> Tensor {
    guard rank == 4, height >= 0, width >= 0 else {
      fail(ShapeError(op: "zeroPadded", "needs [N, C, H, W] and padding ≥ 0; got \(shape), \(height), \(width)"))
    }
    var padded = self
    if width > 0 {
      var wide = shape
      wide[3] += 2 * width
      padded = padded.embedded(inShape: wide, alongAxis: 3, at: width)
    }
    if height > 0 {
      var tall = padded.shape
      tall[2] += 2 * height
      padded = padded.embedded(inShape: tall, alongAxis: 2, at: height)
    }
    return padded
  }
}
