// Max and average pooling with padding, as PyTorch's `max_pool2d` and `avg_pool2d(padding:,
// count_include_pad:)` (the Inception network's pools). Max pooling's pullback scatters the gradient
// to each window's largest element and the scatter's pullback gathers it back; average pooling is
// linear, so its pullback is its adjoint and the adjoint's is the pooling: gradients of gradients
// stay exact. The kernels are in Kernels/PoolingKernels.swift.

extension Tensor {
  /// Max pooling of [N, C, H, W] over kernel×kernel windows (PyTorch's `max_pool2d`, padding −∞,
  /// no ceil mode). `stride` defaults to the kernel size. Returns [N, C, ⌊(H + 2p − k)/s⌋ + 1, …].
  public func maxPool2d(kernel: Int, stride: Int? = nil, padding: Int = 0) -> Tensor {
    let g = poolGeometry("maxPool2d", kernel: kernel, stride: stride ?? kernel, padding: padding)
    let outShape = [shape[0], shape[1], g.outHeight, g.outWidth]
    var argmax = [Int](repeating: 0, count: outShape.reduce(1, *))
    let y = Tensor(shape: outShape) { y in
      scalars.withUnsafeBufferPointer { x in
        argmax.withUnsafeMutableBufferPointer { Kernels.maxPoolForward(x, g, y, argmax: $0) }
      }
    }
    let inShape = shape
    return y.recorded("MaxPool2dBackward", self, { gy in gy.scatterAdded(at: argmax, into: inShape) })
  }

  /// Average pooling of [N, C, H, W] over kernel×kernel windows with `padding` on every side
  /// (PyTorch's `avg_pool2d`): each window's sum over `kernel²` when `countIncludePad` (padding counts
  /// as zeros), else over the positions inside the image (TensorFlow's, and the FID Inception's).
  /// Returns [N, C, ⌊(H + 2p − k)/s⌋ + 1, …].
  public func avgPool2d(kernel: Int, stride: Int, padding: Int, countIncludePad: Bool) -> Tensor {
    let g = poolGeometry("avgPool2d", kernel: kernel, stride: stride, padding: padding)
    return windowAverage(g, countIncludePad: countIncludePad)
  }

  private func poolGeometry(_ op: String, kernel: Int, stride: Int, padding: Int) -> PoolGeometry {
    guard rank == 4, kernel >= 1, stride >= 1, padding >= 0, 2 * padding <= kernel,
      shape[2] + 2 * padding >= kernel, shape[3] + 2 * padding >= kernel
    else {
      fail(
        ShapeError(
          op: op,
          "needs [N, C, H, W] with H, W + 2·padding ≥ kernel, stride ≥ 1 and 0 ≤ padding ≤ kernel/2; got \(shape), "
            + "kernel \(kernel), stride \(stride), padding \(padding)"))
    }
    return PoolGeometry(
      planes: shape[0] * shape[1], height: shape[2], width: shape[3], kernel: kernel, stride: stride, padding: padding)
  }

  /// The window means of this [N, C, H, W] tensor (see `avgPool2d`).
  func windowAverage(_ g: PoolGeometry, countIncludePad: Bool) -> Tensor {
    let y = Tensor(shape: [shape[0], shape[1], g.outHeight, g.outWidth]) { y in
      scalars.withUnsafeBufferPointer { Kernels.avgPoolForward($0, g, countIncludePad: countIncludePad, y) }
    }
    let inShape = shape
    return y.recorded(
      "AvgPool2dBackward", self,
      { gy in gy.windowAverageAdjoint(g, countIncludePad: countIncludePad, inShape: inShape) })
  }

  /// The adjoint of `windowAverage` applied to this output gradient; `inShape` is the pooled tensor's.
  func windowAverageAdjoint(_ g: PoolGeometry, countIncludePad: Bool, inShape: [Int]) -> Tensor {
    let gx = Tensor(shape: inShape) { gx in
      scalars.withUnsafeBufferPointer { Kernels.avgPoolAdjoint($0, g, countIncludePad: countIncludePad, gx) }
    }
    return gx.recorded(
      "AvgPool2dAdjointBackward", self, { h in h.windowAverage(g, countIncludePad: countIncludePad) })
  }

  /// Zeros of `fullShape` with this tensor's elements added at the flat `indices` (one per element).
  func scatterAdded(at indices: [Int], into fullShape: [Int]) -> Tensor {
    var out = Scalar._filled(0, count: fullShape.reduce(1, *))
    for (value, index) in zip(scalars, indices) { out[index] += value }
    let myShape = shape
    return Tensor(shape: fullShape, scalars: out).recorded(
      "ScatterAddBackward", self, { g in g.gathered(at: indices, shape: myShape) })
  }

  /// The elements at the flat `indices`, in a tensor of `shape`.
  func gathered(at indices: [Int], shape outShape: [Int]) -> Tensor {
    let values = indices.map { scalars[$0] }
    let fullShape = shape
    return Tensor(shape: outShape, scalars: values).recorded(
      "GatherBackward", self, { g in g.scatterAdded(at: indices, into: fullShape) })
  }
}
