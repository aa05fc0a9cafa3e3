// Convolutions through three primitives, each the derivative of the others: the convolution, its
// adjoint in the input (also the transposed convolution) and its filter gradient. Their pullbacks are
// calls of the same three ops, so gradients of gradients (a gradient penalty) come for free. The
// kernels are in Kernels/ConvKernels.swift.

/// 2-D convolution (cross-correlation, as PyTorch's `conv2d`).
///
/// - Parameters:
///   - input: [N, C, H, W].
///   - filter: [O, C, kh, kw].
///   - bias: [O], or nil.
/// - Returns: [N, O, (H + 2p − kh)/s + 1, (W + 2p − kw)/s + 1].
public func conv2d<S>(
  _ input: Tensor<S>, filter: Tensor<S>, bias: Tensor<S>? = nil, stride: Int = 1, padding: Int = 0
) -> Tensor<S> {
  guard input.rank == 4, filter.rank == 4, input.shape[1] == filter.shape[1] else {
    fail(
      ShapeError(
        op: "conv2d",
        "input \(input.shape) and filter \(filter.shape) do not match: expected input [N, C, H, W] and filter [O, C, kh, kw] with the same C"
      ))
  }
  guard stride >= 1, padding >= 0 else {
    fail(ShapeError(op: "conv2d", "stride \(stride) must be ≥ 1 and padding \(padding) ≥ 0"))
  }
  let (n, c, h, w) = (input.shape[0], input.shape[1], input.shape[2], input.shape[3])
  let (o, kh, kw) = (filter.shape[0], filter.shape[2], filter.shape[3])
  guard h + 2 * padding >= kh, w + 2 * padding >= kw else {
    fail(
      ShapeError(
        op: "conv2d", "kernel \(kh)x\(kw) is larger than the padded input \(h + 2 * padding)x\(w + 2 * padding)"))
  }
  let geometry = ConvGeometry(
    batch: n, channels: c, height: h, width: w, kernelHeight: kh, kernelWidth: kw, stride: stride, padding: padding)
  checkChannelBias(bias, channels: o, op: "conv2d")
  return convolution(input, filter, bias: bias, geometry, outChannels: o)
}

/// 2-D transposed convolution (PyTorch's `conv_transpose2d`): the adjoint of `conv2d` in its input.
///
/// - Parameters:
///   - input: [N, Cin, H, W].
///   - filter: [Cin, Cout, kh, kw].
///   - bias: [Cout], or nil.
///   - outputPadding: extra rows/columns on the bottom/right, less than `stride`.
/// - Returns: [N, Cout, (H − 1)·s − 2p + kh + outputPadding, (W − 1)·s − 2p + kw + outputPadding].
public func convTranspose2d<S>(
  _ input: Tensor<S>, filter: Tensor<S>, bias: Tensor<S>? = nil, stride: Int = 1, padding: Int = 0,
  outputPadding: Int = 0
) -> Tensor<S> {
  guard input.rank == 4, filter.rank == 4, input.shape[1] == filter.shape[0] else {
    fail(
      ShapeError(
        op: "convTranspose2d",
        "input \(input.shape) and filter \(filter.shape) do not match: expected input [N, Cin, H, W] and filter [Cin, Cout, kh, kw] with the same Cin"
      ))
  }
  guard stride >= 1, padding >= 0, outputPadding >= 0, outputPadding < stride else {
    fail(
      ShapeError(
        op: "convTranspose2d",
        "need stride ≥ 1, padding ≥ 0 and 0 ≤ outputPadding < stride; got \(stride), \(padding), \(outputPadding)"))
  }
  let (n, cin, h, w) = (input.shape[0], input.shape[1], input.shape[2], input.shape[3])
  let (cout, kh, kw) = (filter.shape[1], filter.shape[2], filter.shape[3])
  let outH = (h - 1) * stride - 2 * padding + kh + outputPadding
  let outW = (w - 1) * stride - 2 * padding + kw + outputPadding
  guard outH > 0, outW > 0 else {
    fail(ShapeError(op: "convTranspose2d", "the output would be \(outH)x\(outW); reduce the padding"))
  }
  let geometry = ConvGeometry(
    batch: n, channels: cout, height: outH, width: outW, kernelHeight: kh, kernelWidth: kw, stride: stride,
    padding: padding)
  // conv2d's adjoint in its input, with the filter read as a convolution's [O = Cin, C = Cout, kh, kw].
  let output = convolutionInputGradient(input, filter, geometry, outChannels: cin)
  return addChannelBias(output, bias, op: "convTranspose2d")
}

/// y [N, O, OH, OW] = the cross-correlation of x [N, C, H, W] with w [O, C, kh, kw], plus bias [O].
func convolution<S>(
  _ x: Tensor<S>, _ w: Tensor<S>, bias: Tensor<S>? = nil, _ g: ConvGeometry, outChannels o: Int
) -> Tensor<S> {
  FlopCount.addConvolution(g, outChannels: o)
  let b = bias?.scalars ?? []
  let y = Tensor<S>(shape: [g.batch, o, g.outHeight, g.outWidth]) { y in
    x.scalars.withUnsafeBufferPointer { x in
      w.scalars.withUnsafeBufferPointer { w in
        b.withUnsafeBufferPointer { b in S._convForward(x, w, bias: b, outChannels: o, g, y) }
      }
    }
  }
  return y.recorded("ConvolutionBackward", [x, w] + (bias.map { [$0] } ?? [])) {
    [
      { gy in convolutionInputGradient(gy, w, g, outChannels: o) },
      { gy in convolutionFilterGradient(x, gy, g, outChannels: o) },
      { gy in gy.sum(alongAxes: [0, 2, 3]) },
    ]
  }
}

/// gx [N, C, H, W] = the adjoint of `convolution` in x applied to gy [N, O, OH, OW], for w [O, C, kh, kw].
func convolutionInputGradient<S>(_ gy: Tensor<S>, _ w: Tensor<S>, _ g: ConvGeometry, outChannels o: Int) -> Tensor<S> {
  FlopCount.addConvolution(g, outChannels: o)
  let gx = Tensor<S>(shape: g.imageShape) { gx in
    gy.scalars.withUnsafeBufferPointer { gy in
      w.scalars.withUnsafeBufferPointer { w in S._convInputGradient(gy, w, outChannels: o, g, gx) }
    }
  }
  return gx.recorded(
    "ConvolutionInputGradientBackward", gy, { h in convolution(h, w, g, outChannels: o) },
    w, { h in convolutionFilterGradient(h, gy, g, outChannels: o) })
}

/// gw [O, C, kh, kw] = the gradient of `convolution` in its filter, for x [N, C, H, W] and gy [N, O, OH, OW].
func convolutionFilterGradient<S>(_ x: Tensor<S>, _ gy: Tensor<S>, _ g: ConvGeometry, outChannels o: Int) -> Tensor<S> {
  FlopCount.addConvolution(g, outChannels: o)
  let gw = Tensor<S>(shape: [o, g.channels, g.kernelHeight, g.kernelWidth]) { gw in
    x.scalars.withUnsafeBufferPointer { x in
      gy.scalars.withUnsafeBufferPointer { gy in S._convFilterGradient(x, gy, outChannels: o, g, gw) }
    }
  }
  return gw.recorded(
    "ConvolutionFilterGradientBackward", x, { h in convolutionInputGradient(gy, h, g, outChannels: o) },
    gy, { h in convolution(x, h, g, outChannels: o) })
}

/// Adds a per-channel bias [C] to [N, C, H, W].
private func addChannelBias<S>(_ x: Tensor<S>, _ bias: Tensor<S>?, op: String) -> Tensor<S> {
  guard let bias else { return x }
  checkChannelBias(bias, channels: x.shape[1], op: op)
  return x + bias.reshaped(to: [1, x.shape[1], 1, 1])
}

/// Stops with a shape error unless `bias` is nil or has one entry per output channel.
private func checkChannelBias<S>(_ bias: Tensor<S>?, channels: Int, op: String) {
  guard let bias, bias.shape != [channels] else { return }
  fail(ShapeError(op: op, "bias has shape \(bias.shape) but the output has \(channels) channels"))
}
