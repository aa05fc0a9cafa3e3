// Convolutions as im2col/col2im plus one matrix product with the batch folded into the columns. Both
// are compositions of differentiable ops, so their gradients, and gradients of those, need no code here.

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
  let columns = input.im2col(geometry)
  let product = matmul(filter.reshaped(to: [o, geometry.rows]), columns)
  let output = product.reshaped(to: [o, n, geometry.outHeight, geometry.outWidth]).permuted([1, 0, 2, 3])
  return addChannelBias(output, bias, op: "conv2d")
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
  let flatInput = input.permuted([1, 0, 2, 3]).reshaped(to: [cin, n * h * w])
  let columns = matmul(filter.reshaped(to: [cin, geometry.rows]), flatInput, transposeA: true)
  return addChannelBias(columns.col2im(geometry), bias, op: "convTranspose2d")
}

/// Adds a per-channel bias [C] to [N, C, H, W].
private func addChannelBias<S>(_ x: Tensor<S>, _ bias: Tensor<S>?, op: String) -> Tensor<S> {
  guard let bias else { return x }
  guard bias.shape == [x.shape[1]] else {
    fail(ShapeError(op: op, "bias has shape \(bias.shape) but the output has \(x.shape[1]) channels"))
  }
  return x + bias.reshaped(to: [1, x.shape[1], 1, 1])
}
