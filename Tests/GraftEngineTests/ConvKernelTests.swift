import GraftEngine
import GraftTestSupport
import Testing

/// The chunked convolution kernels against the plain composition they replace (im2col, one matrix
/// product with the batch in the columns, col2im), on batches large enough that the kernels split
/// them into several chunks per worker and the filter gradient into several chunks per lane.
@Suite("Convolution kernels")
struct ConvKernelTests {
  /// The reference: conv2d as im2col and one product.
  static func referenceConv(_ x: Tensor<Double>, _ w: Tensor<Double>, _ g: ConvGeometry) -> Tensor<Double> {
    let o = w.shape[0]
    let product = matmul(w.reshaped(to: [o, g.rows]), x.im2col(g))
    return product.reshaped(to: [o, g.batch, g.outHeight, g.outWidth]).permuted([1, 0, 2, 3])
  }

  /// The reference transposed convolution: one product, then col2im.
  static func referenceConvTranspose(_ u: Tensor<Double>, _ w: Tensor<Double>, _ g: ConvGeometry) -> Tensor<Double> {
    let cin = u.shape[1]
    let flat = u.permuted([1, 0, 2, 3]).reshaped(to: [cin, -1])
    return matmul(w.reshaped(to: [cin, g.rows]), flat, transposeA: true).col2im(g)
  }

  @Test(arguments: [(1, 1, 3, 16), (2, 1, 4, 16), (2, 0, 3, 16), (2, 1, 4, 1)])
  func convolutionMatchesTheComposition(stride: Int, padding: Int, kernel: Int, channels c: Int) throws {
    // 11 images of 24x24x16 (or one channel, as a DCGAN's first layer) with a 3x3 or 4x4 kernel: one to a
    // few images per chunk, chunks of unequal size, and lanes of 2 or 3 images for the filter gradient.
    var rng = Inputs(seed: 41)
    let (n, h, o) = (11, 24, 8)
    let x = rng.normal([n, c, h, h]).requiringGrad()
    let w = rng.normal([o, c, kernel, kernel]).requiringGrad()
    let b = rng.normal([o]).requiringGrad()
    let g = ConvGeometry(
      batch: n, channels: c, height: h, width: h, kernelHeight: kernel, kernelWidth: kernel, stride: stride,
      padding: padding)
    #expect(g.imagesPerChunk(outChannels: o) < n)

    let fast = conv2d(x, filter: w, bias: b, stride: stride, padding: padding)
    let slow = Self.referenceConv(x, w, g) + b.reshaped(to: [1, o, 1, 1])
    #expect(fast.shape == slow.shape)
    #expect(relativeError(fast.scalars, slow.scalars) < 1e-12)

    let seed = rng.normal(fast.shape)
    let fastGrads = try gradients(of: fast, withRespectTo: [x, w, b], seed: seed)
    let slowGrads = try gradients(of: slow, withRespectTo: [x, w, b], seed: seed)
    for (f, s) in zip(fastGrads, slowGrads) {
      #expect(relativeError(f.scalars, s.scalars) < 1e-12)
    }
  }

  /// Six output channels, or one (a DCGAN generator's last layer).
  @Test(arguments: [6, 1])
  func transposedConvolutionMatchesTheComposition(outChannels cout: Int) throws {
    var rng = Inputs(seed: 42)
    let (n, cin, h) = (13, 12, 8)
    let u = rng.normal([n, cin, h, h]).requiringGrad()
    let w = rng.normal([cin, cout, 4, 4]).requiringGrad()
    let g = ConvGeometry(
      batch: n, channels: cout, height: 2 * h, width: 2 * h, kernelHeight: 4, kernelWidth: 4, stride: 2, padding: 1)
    let fast = convTranspose2d(u, filter: w, stride: 2, padding: 1)
    let slow = Self.referenceConvTranspose(u, w, g)
    #expect(fast.shape == [n, cout, 2 * h, 2 * h])
    #expect(relativeError(fast.scalars, slow.scalars) < 1e-12)
    let seed = rng.normal(fast.shape)
    let fastGrads = try gradients(of: fast, withRespectTo: [u, w], seed: seed)
    let slowGrads = try gradients(of: slow, withRespectTo: [u, w], seed: seed)
    for (f, s) in zip(fastGrads, slowGrads) {
      #expect(relativeError(f.scalars, s.scalars) < 1e-12)
    }
  }

  @Test func resultsDoNotDependOnTheThreadCount() throws {
    var rng = Inputs(seed: 43)
    let results = try Self.convolutionOnThreadCounts(
      rng.normal([9, 8, 16, 16]), rng.normal([16, 8, 4, 4]), seed: rng.normal([9, 16, 8, 8]))
    #expect(results[0] == results[1])
    #expect(results[0] == results[2])
  }

  /// conv2d(x, w, stride 2, padding 1), its filter gradient and its input gradient for `seed`, computed
  /// on 1, 2 and 3 threads: one concatenation of them per thread count.
  static func convolutionOnThreadCounts<S>(_ x: Tensor<S>, _ w: Tensor<S>, seed: Tensor<S>) throws -> [[S]] {
    let before = Parallel.threads
    defer { Runtime.setThreads(before) }
    return try [1, 2, 3].map { threads in
      Runtime.setThreads(threads)
      let (xr, wr) = (x.requiringGrad(), w.requiringGrad())
      let y = conv2d(xr, filter: wr, stride: 2, padding: 1)
      let grads = try gradients(of: y, withRespectTo: [xr, wr], seed: seed)
      return y.scalars + grads[1].scalars + grads[0].scalars
    }
  }
}
