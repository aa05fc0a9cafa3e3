import Foundation
import GraftEngine
import GraftTestSupport
import Testing

/// Float convolutions where oneDNN's kernels run (both channel counts multiples of 16) against the
/// Double reference of ConvKernelTests (im2col and one product), and their independence of the thread
/// count. Batches of 11 and 13 leave a short last chunk (8 images per chunk) and unequal filter lanes.
@Suite("oneDNN convolutions")
struct DNNLConvolutionTests {
  /// Whether oneDNN's JIT kernels must run here: on every CPU with AVX-512 (some of CI's), unless
  /// DNNL_MAX_CPU_ISA holds oneDNN below it. AVX2 machines run Graft's kernels (faster there), tested
  /// here as the reference and in ConvKernelTests.
  static var expectOneDNN: Bool {
    ProcessInfo.processInfo.environment["DNNL_MAX_CPU_ISA"] == nil
      && Runtime.cpuFlags.contains("avx512f")
  }

  static func float(_ t: Tensor<Double>) -> Tensor<Float> { Tensor(shape: t.shape, scalars: t.scalars.map(Float.init)) }
  static func double(_ t: Tensor<Float>) -> [Double] { t.scalars.map(Double.init) }

  @Test func oneDNNRunsWhereBothChannelCountsAreMultiplesOf16() {
    let g = ConvGeometry(
      batch: 11, channels: 16, height: 16, width: 16, kernelHeight: 4, kernelWidth: 4, stride: 2, padding: 1)
    for direction in ConvolutionDirection.allCases {
      #expect(g.floatKernel(outChannels: 32, direction: direction).hasPrefix("jit") || !Self.expectOneDNN)
    }
    // oneDNN's AVX2 kernels (and anything below) are not used: Graft's own measured faster there.
    if !Runtime.convolutionInstructionSet.hasPrefix("avx512") {
      #expect(g.floatKernel(outChannels: 32) == "graft", "oneDNN \(Runtime.convolutionInstructionSet)")
    }
    // One input channel (the DCGAN critic's first layer): Graft's own kernels.
    var one = g
    one.channels = 1
    #expect(one.floatKernel(outChannels: 32) == "graft")
  }

  @Test(arguments: [(2, 1, 4, true), (1, 1, 3, false), (2, 0, 3, true), (1, 0, 1, false)])
  func convolutionMatchesTheDoubleReference(stride: Int, padding: Int, kernel: Int, bias: Bool) throws {
    var rng = Inputs(seed: 51)
    let (n, c, h, o) = (11, 16, 12, 32)
    let x = rng.normal([n, c, h, h])
    let w = rng.normal([o, c, kernel, kernel])
    let b = rng.normal([o])
    let g = ConvGeometry(
      batch: n, channels: c, height: h, width: h, kernelHeight: kernel, kernelWidth: kernel, stride: stride,
      padding: padding)
    #expect(g.floatKernel(outChannels: o).hasPrefix("jit") || !Self.expectOneDNN)
    let (xf, wf, bf) = (Self.float(x).requiringGrad(), Self.float(w).requiringGrad(), Self.float(b).requiringGrad())
    let fast = conv2d(xf, filter: wf, bias: bias ? bf : nil, stride: stride, padding: padding)
    var slow = ConvKernelTests.referenceConv(x, w, g)
    if bias { slow = slow + b.reshaped(to: [1, o, 1, 1]) }
    #expect(fast.shape == slow.shape)
    #expect(relativeError(Self.double(fast), slow.scalars) < 1e-6)

    try Self.expectFloatGradientsMatch(
      fast, [xf, wf], reference: { ConvKernelTests.referenceConv($0, $1, g) }, x, w, &rng)
  }

  /// The Float gradients of `fast` in its two inputs against the Double ones of `reference` at (a, b),
  /// for one random seed.
  static func expectFloatGradientsMatch(
    _ fast: Tensor<Float>, _ inputs: [Tensor<Float>], reference: (Tensor<Double>, Tensor<Double>) -> Tensor<Double>,
    _ a: Tensor<Double>, _ b: Tensor<Double>, _ rng: inout Inputs
  ) throws {
    let seed = rng.normal(fast.shape)
    let (ad, bd) = (a.requiringGrad(), b.requiringGrad())
    let slowGrads = try gradients(of: reference(ad, bd), withRespectTo: [ad, bd], seed: seed)
    let fastGrads = try gradients(of: fast, withRespectTo: inputs, seed: float(seed))
    #expect(relativeError(double(fastGrads[0]), slowGrads[0].scalars) < 1e-6)
    #expect(relativeError(double(fastGrads[1]), slowGrads[1].scalars) < 1e-6)
  }

  @Test func transposedConvolutionMatchesTheDoubleReference() throws {
    var rng = Inputs(seed: 52)
    let (n, cin, h, cout) = (13, 32, 4, 16)
    let u = rng.normal([n, cin, h, h])
    let w = rng.normal([cin, cout, 4, 4])
    let g = ConvGeometry(
      batch: n, channels: cout, height: 2 * h, width: 2 * h, kernelHeight: 4, kernelWidth: 4, stride: 2, padding: 1)
    #expect(g.floatKernel(outChannels: cin, direction: .inputGradient).hasPrefix("jit") || !Self.expectOneDNN)
    let (uf, wf) = (Self.float(u).requiringGrad(), Self.float(w).requiringGrad())
    let fast = convTranspose2d(uf, filter: wf, stride: 2, padding: 1)
    let slow = ConvKernelTests.referenceConvTranspose(u, w, g)
    #expect(relativeError(Self.double(fast), slow.scalars) < 1e-6)
    try Self.expectFloatGradientsMatch(
      fast, [uf, wf], reference: { ConvKernelTests.referenceConvTranspose($0, $1, g) }, u, w, &rng)
  }

  @Test func resultsDoNotDependOnTheThreadCount() throws {
    var rng = Inputs(seed: 53)
    let results = try ConvKernelTests.convolutionOnThreadCounts(
      Self.float(rng.normal([19, 16, 16, 16])), Self.float(rng.normal([32, 16, 4, 4])),
      seed: Self.float(rng.normal([19, 32, 8, 8])))
    #expect(results[0] == results[1])
    #expect(results[0] == results[2])
  }

  /// Threads that run a convolution and end (GCD's, when Graft's pool is busy) free their oneDNN scratch
  /// and stream on the way out; the results are those of the calling thread.
  @Test func threadsThatEndGiveTheirScratchBack() throws {
    var rng = Inputs(seed: 54)
    let x = Self.float(rng.normal([8, 16, 8, 8]))
    let w = Self.float(rng.normal([16, 16, 3, 3]))
    let expected = conv2d(x, filter: w, padding: 1).scalars
    for _ in 0..<4 {
      let result = ResultBox()
      let done = DispatchSemaphore(value: 0)
      let thread = Thread {
        let y = conv2d(x, filter: w, padding: 1).scalars
        result.value = y
        done.signal()
      }
      thread.start()
      done.wait()
      #expect(result.value == expected)
    }
  }
}

/// One thread writes it before signalling, the other reads it after waiting.
private final class ResultBox: @unchecked Sendable {
  var value: [Float] = []
}
