import COpenBLAS
import RealModule

/// The element types a `Tensor` can hold: `Float` for training, `Double` for gradient checks.
///
/// The `_`-prefixed requirements are the engine's compute kernels, written once, generically, in
/// `Kernels/`. Generic tensor code calls them through the protocol, so it dispatches once per op and the
/// per-element loops run specialised for `Float` or `Double`.
public protocol TensorScalar: Real, BinaryFloatingPoint, SIMDScalar, Codable, Sendable, CustomStringConvertible
where RawSignificand: FixedWidthInteger {
  /// The name PyTorch prints for this type (`float32`, `float64`).
  static var dtypeName: String { get }

  static func _filled(_ value: Self, count: Int) -> [Self]
  static func _unary(_ op: UnaryOp, _ x: UnsafeBufferPointer<Self>, _ out: UnsafeMutableBufferPointer<Self>)
  static func _binary(
    _ op: BinaryOp, _ a: UnsafeBufferPointer<Self>, _ aStrides: [Int], _ b: UnsafeBufferPointer<Self>,
    _ bStrides: [Int], _ shape: [Int], _ out: UnsafeMutableBufferPointer<Self>)
  /// out[i] = op(a[i·aStep], b[i·bStep]) with steps 0 or 1 (`_binary` without shape bookkeeping).
  static func _binaryFlat(
    _ op: BinaryOp, _ a: UnsafeBufferPointer<Self>, aStep: Int, _ b: UnsafeBufferPointer<Self>, bStep: Int,
    _ out: UnsafeMutableBufferPointer<Self>)
  static func _sum(
    _ x: UnsafeBufferPointer<Self>, outer: Int, count: Int, inner: Int, _ out: UnsafeMutableBufferPointer<Self>)
  static func _copy(
    _ src: UnsafeBufferPointer<Self>, _ srcLayout: StridedLayout, _ dst: UnsafeMutableBufferPointer<Self>,
    _ dstLayout: StridedLayout, shape: [Int])
  /// C = alpha·op(A)·op(B) + beta·C on the calling thread (one BLAS call).
  static func _gemmOneThread(
    transA: Bool, transB: Bool, m: Int, n: Int, k: Int, alpha: Self, a: UnsafePointer<Self>, lda: Int,
    b: UnsafePointer<Self>, ldb: Int, beta: Self, c: UnsafeMutablePointer<Self>, ldc: Int)
  static func _gemm(
    transA: Bool, transB: Bool, m: Int, n: Int, k: Int, alpha: Self, a: UnsafePointer<Self>, lda: Int,
    b: UnsafePointer<Self>, ldb: Int, beta: Self, c: UnsafeMutablePointer<Self>, ldc: Int)
  static func _convForward(
    _ x: UnsafeBufferPointer<Self>, _ w: UnsafeBufferPointer<Self>, bias: UnsafeBufferPointer<Self>,
    outChannels: Int, _ geometry: ConvGeometry, _ y: UnsafeMutableBufferPointer<Self>)
  static func _convInputGradient(
    _ gy: UnsafeBufferPointer<Self>, _ w: UnsafeBufferPointer<Self>, outChannels: Int, _ geometry: ConvGeometry,
    _ gx: UnsafeMutableBufferPointer<Self>)
  static func _convFilterGradient(
    _ x: UnsafeBufferPointer<Self>, _ gy: UnsafeBufferPointer<Self>, outChannels: Int, _ geometry: ConvGeometry,
    _ gw: UnsafeMutableBufferPointer<Self>)
  static func _im2col(
    _ x: UnsafeBufferPointer<Self>, _ geometry: ConvGeometry, _ cols: UnsafeMutableBufferPointer<Self>)
  static func _col2im(
    _ cols: UnsafeBufferPointer<Self>, _ geometry: ConvGeometry, _ x: UnsafeMutableBufferPointer<Self>)
  static func _batchNormForward(
    _ x: UnsafeBufferPointer<Self>, _ weight: UnsafeBufferPointer<Self>, _ bias: UnsafeBufferPointer<Self>,
    epsilon: Self, _ layout: BatchNormLayout, out: UnsafeMutableBufferPointer<Self>,
    mean: UnsafeMutableBufferPointer<Self>, variance: UnsafeMutableBufferPointer<Self>,
    invstd: UnsafeMutableBufferPointer<Self>)
  static func _batchNormBackward(
    _ g: UnsafeBufferPointer<Self>, _ x: UnsafeBufferPointer<Self>, _ mean: UnsafeBufferPointer<Self>,
    _ invstd: UnsafeBufferPointer<Self>, _ weight: UnsafeBufferPointer<Self>, _ layout: BatchNormLayout,
    dx: UnsafeMutableBufferPointer<Self>, sumG: UnsafeMutableBufferPointer<Self>,
    sumGXhat: UnsafeMutableBufferPointer<Self>)
}

// Each default below is a witness that the compiler specialises per conforming type (its `Self` is
// concrete there), which is what keeps the per-element loops free of generic dispatch.
extension TensorScalar {
  public static func _filled(_ value: Self, count: Int) -> [Self] {
    [Self](repeating: value, count: count)
  }
  public static func _unary(_ op: UnaryOp, _ x: UnsafeBufferPointer<Self>, _ out: UnsafeMutableBufferPointer<Self>) {
    Kernels.unary(op, x, out)
  }
  public static func _binary(
    _ op: BinaryOp, _ a: UnsafeBufferPointer<Self>, _ aStrides: [Int], _ b: UnsafeBufferPointer<Self>,
    _ bStrides: [Int], _ shape: [Int], _ out: UnsafeMutableBufferPointer<Self>
  ) {
    Kernels.binary(op, a, aStrides, b, bStrides, shape, out)
  }
  public static func _binaryFlat(
    _ op: BinaryOp, _ a: UnsafeBufferPointer<Self>, aStep: Int, _ b: UnsafeBufferPointer<Self>, bStep: Int,
    _ out: UnsafeMutableBufferPointer<Self>
  ) {
    Kernels.binaryFlat(op, a, aStep: aStep, b, bStep: bStep, out)
  }
  public static func _sum(
    _ x: UnsafeBufferPointer<Self>, outer: Int, count: Int, inner: Int, _ out: UnsafeMutableBufferPointer<Self>
  ) {
    Kernels.sum(x, outer: outer, count: count, inner: inner, out)
  }
  public static func _copy(
    _ src: UnsafeBufferPointer<Self>, _ srcLayout: StridedLayout, _ dst: UnsafeMutableBufferPointer<Self>,
    _ dstLayout: StridedLayout, shape: [Int]
  ) {
    Kernels.copy(src, srcLayout, dst, dstLayout, shape: shape)
  }
  /// Large products are split into blocks of C that Graft's workers compute at once (`BLASProducts`).
  public static func _gemm(
    transA: Bool, transB: Bool, m: Int, n: Int, k: Int, alpha: Self, a: UnsafePointer<Self>, lda: Int,
    b: UnsafePointer<Self>, ldb: Int, beta: Self, c: UnsafeMutablePointer<Self>, ldc: Int
  ) {
    BLASProducts.gemm(
      transA: transA, transB: transB, m: m, n: n, k: k, a: a, lda: lda, b: b, ldb: ldb, c: c, ldc: ldc
    ) { m, n, a, b, c in
      _gemmOneThread(
        transA: transA, transB: transB, m: m, n: n, k: k, alpha: alpha, a: a, lda: lda, b: b, ldb: ldb, beta: beta,
        c: c, ldc: ldc)
    }
  }
  public static func _convForward(
    _ x: UnsafeBufferPointer<Self>, _ w: UnsafeBufferPointer<Self>, bias: UnsafeBufferPointer<Self>,
    outChannels: Int, _ geometry: ConvGeometry, _ y: UnsafeMutableBufferPointer<Self>
  ) {
    Kernels.convForward(x, w, bias: bias, outChannels: outChannels, geometry, y)
  }
  public static func _convInputGradient(
    _ gy: UnsafeBufferPointer<Self>, _ w: UnsafeBufferPointer<Self>, outChannels: Int, _ geometry: ConvGeometry,
    _ gx: UnsafeMutableBufferPointer<Self>
  ) {
    Kernels.convInputGradient(gy, w, outChannels: outChannels, geometry, gx)
  }
  public static func _convFilterGradient(
    _ x: UnsafeBufferPointer<Self>, _ gy: UnsafeBufferPointer<Self>, outChannels: Int, _ geometry: ConvGeometry,
    _ gw: UnsafeMutableBufferPointer<Self>
  ) {
    Kernels.convFilterGradient(x, gy, outChannels: outChannels, geometry, gw)
  }
  public static func _im2col(
    _ x: UnsafeBufferPointer<Self>, _ geometry: ConvGeometry, _ cols: UnsafeMutableBufferPointer<Self>
  ) {
    Kernels.im2col(x, geometry, cols)
  }
  public static func _col2im(
    _ cols: UnsafeBufferPointer<Self>, _ geometry: ConvGeometry, _ x: UnsafeMutableBufferPointer<Self>
  ) {
    Kernels.col2im(cols, geometry, x)
  }
  public static func _batchNormForward(
    _ x: UnsafeBufferPointer<Self>, _ weight: UnsafeBufferPointer<Self>, _ bias: UnsafeBufferPointer<Self>,
    epsilon: Self, _ layout: BatchNormLayout, out: UnsafeMutableBufferPointer<Self>,
    mean: UnsafeMutableBufferPointer<Self>, variance: UnsafeMutableBufferPointer<Self>,
    invstd: UnsafeMutableBufferPointer<Self>
  ) {
    Kernels.batchNormForward(
      x, weight, bias, epsilon: epsilon, layout, out: out, mean: mean, variance: variance, invstd: invstd)
  }
  public static func _batchNormBackward(
    _ g: UnsafeBufferPointer<Self>, _ x: UnsafeBufferPointer<Self>, _ mean: UnsafeBufferPointer<Self>,
    _ invstd: UnsafeBufferPointer<Self>, _ weight: UnsafeBufferPointer<Self>, _ layout: BatchNormLayout,
    dx: UnsafeMutableBufferPointer<Self>, sumG: UnsafeMutableBufferPointer<Self>,
    sumGXhat: UnsafeMutableBufferPointer<Self>
  ) {
    Kernels.batchNormBackward(g, x, mean, invstd, weight, layout, dx: dx, sumG: sumG, sumGXhat: sumGXhat)
  }
}

extension Float: TensorScalar {
  public static var dtypeName: String { "float32" }

  public static func _gemmOneThread(
    transA: Bool, transB: Bool, m: Int, n: Int, k: Int, alpha: Self, a: UnsafePointer<Self>, lda: Int,
    b: UnsafePointer<Self>, ldb: Int, beta: Self, c: UnsafeMutablePointer<Self>, ldc: Int
  ) {
    if ThinProducts.computes(m: m, n: n, k: k, alpha: alpha, beta: beta) {
      ThinProducts.gemm(
        transA: transA, transB: transB, m: m, n: n, k: k, a: a, lda: lda, b: b, ldb: ldb, beta: beta, c: c, ldc: ldc)
      return
    }
    _ = BLASProducts.openBLASSingleThreaded
    let beta = BLASProducts.betaAfterZeroing(beta, m: m, n: n, c: c, ldc: ldc)
    cblas_sgemm(
      CblasRowMajor, transA ? CblasTrans : CblasNoTrans, transB ? CblasTrans : CblasNoTrans,
      Int32(m), Int32(n), Int32(k), alpha, a, Int32(lda), b, Int32(ldb), beta, c, Int32(ldc))
  }
  // Convolutions: oneDNN's kernels where it has fast ones for the shape, Graft's own elsewhere.
  public static func _convForward(
    _ x: UnsafeBufferPointer<Self>, _ w: UnsafeBufferPointer<Self>, bias: UnsafeBufferPointer<Self>,
    outChannels: Int, _ geometry: ConvGeometry, _ y: UnsafeMutableBufferPointer<Self>
  ) {
    if Kernels.DNNLConvolution.forward(x, w, bias: bias, outChannels: outChannels, geometry, y) { return }
    Kernels.convForward(x, w, bias: bias, outChannels: outChannels, geometry, y)
  }
  public static func _convInputGradient(
    _ gy: UnsafeBufferPointer<Self>, _ w: UnsafeBufferPointer<Self>, outChannels: Int, _ geometry: ConvGeometry,
    _ gx: UnsafeMutableBufferPointer<Self>
  ) {
    if Kernels.DNNLConvolution.inputGradient(gy, w, outChannels: outChannels, geometry, gx) { return }
    Kernels.convInputGradient(gy, w, outChannels: outChannels, geometry, gx)
  }
  public static func _convFilterGradient(
    _ x: UnsafeBufferPointer<Self>, _ gy: UnsafeBufferPointer<Self>, outChannels: Int, _ geometry: ConvGeometry,
    _ gw: UnsafeMutableBufferPointer<Self>
  ) {
    if Kernels.DNNLConvolution.filterGradient(x, gy, outChannels: outChannels, geometry, gw) { return }
    Kernels.convFilterGradient(x, gy, outChannels: outChannels, geometry, gw)
  }
}

extension Double: TensorScalar {
  public static var dtypeName: String { "float64" }

  public static func _gemmOneThread(
    transA: Bool, transB: Bool, m: Int, n: Int, k: Int, alpha: Self, a: UnsafePointer<Self>, lda: Int,
    b: UnsafePointer<Self>, ldb: Int, beta: Self, c: UnsafeMutablePointer<Self>, ldc: Int
  ) {
    _ = BLASProducts.openBLASSingleThreaded
    let beta = BLASProducts.betaAfterZeroing(beta, m: m, n: n, c: c, ldc: ldc)
    cblas_dgemm(
      CblasRowMajor, transA ? CblasTrans : CblasNoTrans, transB ? CblasTrans : CblasNoTrans,
      Int32(m), Int32(n), Int32(k), alpha, a, Int32(lda), b, Int32(ldb), beta, c, Int32(ldc))
  }
}
