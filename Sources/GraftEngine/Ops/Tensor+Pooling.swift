extension Tensor {
  /// Average pooling over kernel×kernel windows of [N, C, H, W] (no padding; PyTorch's `avg_pool2d`).
  /// `stride` defaults to the kernel size.
  public func avgPool2d(kernel: Int, stride: Int? = nil) -> Tensor {
    let s = stride ?? kernel
    guard rank == 4, kernel >= 1, s >= 1, shape[2] >= kernel, shape[3] >= kernel else {
      fail(
        ShapeError(
          op: "avgPool2d", "needs [N, C, H, W] with H, W ≥ kernel \(kernel) and stride ≥ 1; got \(shape), stride \(s)"))
    }
    let (n, c, h, w) = (shape[0], shape[1], shape[2], shape[3])
    // Each channel is a one-channel image; the window's entries are one column of im2col.
    let geometry = ConvGeometry(
      batch: n * c, channels: 1, height: h, width: w, kernelHeight: kernel, kernelWidth: kernel, stride: s, padding: 0)
    let windows = reshaped(to: [n * c, 1, h, w]).im2col(geometry)
    return windows.mean(alongAxis: 0).reshaped(to: [n, c, geometry.outHeight, geometry.outWidth])
  }

  /// Nearest-neighbour upsampling of [N, C, H, W] by an integer factor (PyTorch's
  /// `interpolate(mode="nearest", scale_factor=scale)`).
  public func upsampledNearest(scale: Int) -> Tensor {
    guard rank == 4, scale >= 1 else {
      fail(ShapeError(op: "upsampleNearest", "needs [N, C, H, W] and scale ≥ 1; got \(shape), scale \(scale)"))
    }
    let (n, c, h, w) = (shape[0], shape[1], shape[2], shape[3])
    return reshaped(to: [n, c, h, 1, w, 1])
      .expanded(to: [n, c, h, scale, w, scale])
      .reshaped(to: [n, c, h * scale, w * scale])
  }
}
