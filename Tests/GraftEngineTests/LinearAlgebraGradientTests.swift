import GraftEngine
import GraftTestSupport
import Testing

@Suite("Matmul, convolutions, pooling, upsampling: gradients against finite differences (Double)")
struct LinearAlgebraGradientTests {
  @Test(arguments: [
    ([3, 4], [4, 5]), ([2, 3, 4], [2, 4, 5]), ([2, 3, 4], [4, 5]), ([2, 1, 3, 4], [3, 4, 2]), ([4, 3], [2, 1, 3, 2]),
  ])
  func matmulGradients(_ a: [Int], _ b: [Int]) throws {
    var g = Inputs(seed: 21)
    try expectGradientsMatch([g.normal(a), g.normal(b)]) { matmul($0[0], $0[1]) }
  }

  @Test func matmulTransposeFlags() throws {
    var g = Inputs(seed: 22)
    let a = g.normal([4, 3])
    let b = g.normal([5, 4])
    let viaFlags = matmul(a, b, transposeA: true, transposeB: true)
    let viaCopies = matmul(a.transposed(), b.transposed())
    #expect(relativeError(viaFlags.scalars, viaCopies.scalars) < 1e-14)
    try expectGradientsMatch([a, b]) { matmul($0[0], $0[1], transposeA: true, transposeB: true) }
    try expectGradientsMatch([a, g.normal([4, 2])]) { matmul($0[0], $0[1], transposeA: true) }
    try expectGradientsMatch([g.normal([2, 4]), b]) { matmul($0[0], $0[1], transposeB: true) }
  }

  @Test func linearGradientsAndValues() throws {
    var g = Inputs(seed: 23)
    let x = g.normal([5, 3])
    let w = g.normal([4, 3])
    let b = g.normal([4])
    try expectGradientsMatch([x, w, b]) { linear($0[0], weight: $0[1], bias: $0[2]) }
    // The fused form equals the product plus the bias, also without a bias and for batched input.
    let fused = linear(x, weight: w, bias: b)
    let reference = matmul(x, w, transposeB: true) + b
    #expect(zip(fused.scalars, reference.scalars).allSatisfy { abs($0 - $1) < 1e-12 })
    try expectGradientsMatch([x, w]) { linear($0[0], weight: $0[1], bias: nil) }
    try expectGradientsMatch([g.normal([2, 5, 3]), w, b]) { linear($0[0], weight: $0[1], bias: $0[2]) }
    // Second order: the pullbacks are tensor ops, so a gradient penalty differentiates through them.
    let (_, grads) = try valueWithGradients(at: [x, w, b], createGraph: true) { v in
      linear(v[0], weight: v[1], bias: v[2]).tanh().sum()
    }
    #expect(grads[0].requiresGrad)
  }

  @Test(arguments: [[6, 3], [3, 2, 3, 2]])
  func batchNormGradientsAndValues(_ shape: [Int]) throws {
    var g = Inputs(seed: 24)
    let x = g.normal(shape) * 2 + 1
    let w = g.normal([shape[1]])
    let b = g.normal([shape[1]])
    try expectGradientsMatch([x, w, b]) { batchNorm($0[0], weight: $0[1], bias: $0[2], epsilon: 1e-5).output }
    // Against the composite of tensor ops it replaces.
    let axes = shape.count == 4 ? [0, 2, 3] : [0]
    let statShape = shape.count == 4 ? [1, shape[1], 1, 1] : [1, shape[1]]
    let (mean, variance) = x.moments(alongAxes: axes)
    let composite = (x - mean) / (variance + 1e-5).sqrt() * w.reshaped(to: statShape) + b.reshaped(to: statShape)
    let fused = batchNorm(x, weight: w, bias: b, epsilon: 1e-5)
    #expect(zip(fused.output.scalars, composite.scalars).allSatisfy { abs($0 - $1) < 1e-12 })
    #expect(zip(fused.mean.scalars, mean.scalars).allSatisfy { abs($0 - $1) < 1e-12 })
    #expect(zip(fused.variance.scalars, variance.scalars).allSatisfy { abs($0 - $1) < 1e-12 })
  }

  @Test func matmulValues() {
    let a = Tensor<Float>([[1, 2], [3, 4]])
    let b = Tensor<Float>([[5, 6], [7, 8]])
    #expect(matmul(a, b).scalars == [19, 22, 43, 50])
  }

  @Test(arguments: [(1, 0), (1, 1), (2, 0), (2, 1)])
  func conv2dGradients(_ stride: Int, _ padding: Int) throws {
    var g = Inputs(seed: 23)
    try expectGradientsMatch([g.normal([2, 3, 6, 5]), g.normal([4, 3, 3, 2]), g.normal([4])]) {
      conv2d($0[0], filter: $0[1], bias: $0[2], stride: stride, padding: padding)
    }
  }

  @Test(arguments: [(1, 0, 0), (2, 1, 0), (2, 1, 1), (3, 0, 2)])
  func convTranspose2dGradients(_ stride: Int, _ padding: Int, _ outputPadding: Int) throws {
    var g = Inputs(seed: 24)
    try expectGradientsMatch([g.normal([2, 3, 3, 4]), g.normal([3, 2, 3, 3]), g.normal([2])]) {
      convTranspose2d($0[0], filter: $0[1], bias: $0[2], stride: stride, padding: padding, outputPadding: outputPadding)
    }
  }

  @Test func convTransposeIsTheAdjointOfConv() {
    // ⟨conv(x, w), y⟩ = ⟨x, convT(y, w)⟩ for the same geometry.
    var g = Inputs(seed: 25)
    let x = g.normal([2, 3, 7, 7])
    let w = g.normal([4, 3, 3, 3])
    let y = g.normal([2, 4, 4, 4])
    let left = (conv2d(x, filter: w, stride: 2, padding: 1) * y).sum().scalar
    let right = (x * convTranspose2d(y, filter: w, stride: 2, padding: 1)).sum().scalar
    #expect(abs(left - right) < 1e-10 * abs(left))
  }

  @Test func im2colAndCol2im() throws {
    var g = Inputs(seed: 26)
    let geometry = ConvGeometry(
      batch: 2, channels: 2, height: 5, width: 4, kernelHeight: 3, kernelWidth: 2, stride: 2, padding: 1)
    try expectGradientsMatch([g.normal(geometry.imageShape)]) { $0[0].im2col(geometry) }
    try expectGradientsMatch([g.normal([geometry.rows, geometry.columns])]) { $0[0].col2im(geometry) }
  }

  @Test(arguments: [(2, 2), (3, 2), (2, 1)])
  func avgPoolGradients(_ kernel: Int, _ stride: Int) throws {
    var g = Inputs(seed: 27)
    try expectGradientsMatch([g.normal([2, 2, 6, 5])]) { $0[0].avgPool2d(kernel: kernel, stride: stride) }
  }

  @Test func avgPoolValues() {
    let x = Tensor<Float>(shape: [1, 1, 2, 4], scalars: [1, 2, 3, 4, 5, 6, 7, 8])
    #expect(x.avgPool2d(kernel: 2).scalars == [3.5, 5.5])
  }

  @Test(arguments: [2, 3])
  func upsampleGradients(_ scale: Int) throws {
    var g = Inputs(seed: 28)
    let x = g.normal([2, 2, 3, 2])
    #expect(x.upsampledNearest(scale: scale).shape == [2, 2, 3 * scale, 2 * scale])
    try expectGradientsMatch([x]) { $0[0].upsampledNearest(scale: scale) }
  }
}
