extension Tensor {
  /// A tensor of `shape` with every element equal to `value` (PyTorch's `full`).
  public init(shape: [Int], repeating value: Scalar) {
    self.init(shape: shape, scalars: Scalar._filled(value, count: shape.reduce(1, *)))
  }

  /// Zeros of `shape`.
  public init(zeros shape: [Int]) {
    self.init(shape: shape, repeating: 0)
  }

  /// Ones of `shape`.
  public init(ones shape: [Int]) {
    self.init(shape: shape, repeating: 1)
  }

  /// Zeros shaped like `other`.
  public init(zerosLike other: Tensor) {
    self.init(shape: other.shape, repeating: 0)
  }

  /// Ones shaped like `other`.
  public init(onesLike other: Tensor) {
    self.init(shape: other.shape, repeating: 1)
  }

  /// The 1-d tensor start, start + step, … up to but excluding `end` (PyTorch's `arange`).
  public init(rangeFrom start: Scalar, to end: Scalar, stride step: Scalar = 1) {
    precondition(step != 0, "Tensor(rangeFrom:to:stride:): the stride must not be zero")
    let n = Swift.max(0, Int(((end - start) / step).rounded(.up)))
    self.init((0..<n).map { start + Scalar($0) * step })
  }

  /// Uniform random numbers in [lowerBound, upperBound).
  public init(
    randomUniform shape: [Int], lowerBound: Scalar = 0, upperBound: Scalar = 1,
    generator: inout RandomGenerator
  ) {
    let width = Double(upperBound - lowerBound)
    let low = Double(lowerBound)
    self.init(
      shape: shape,
      scalars: (0..<shape.reduce(1, *)).map { _ in
        Scalar(low + width * generator.nextUnitDouble())
      })
  }

  /// Normal random numbers with this mean and standard deviation.
  public init(
    randomNormal shape: [Int], mean: Scalar = 0, standardDeviation: Scalar = 1,
    generator: inout RandomGenerator
  ) {
    let m = Double(mean)
    let s = Double(standardDeviation)
    let count = shape.reduce(1, *)
    if Scalar.self == Float.self {
      // The same values, Float(m + s·z) for the same normals z, but four Box–Muller pairs at a time
      // (`normalRows(_:count:scale:after:offset:)` certifies each rounding): a latent batch's `log` and
      // `sincos` were 2% of the MLP GAN's iteration.
      let values = generator.normalRows(1, count: count, scale: s, after: { _ in }, offset: { _, _ in m }).values
      self.init(shape: shape, scalars: unsafeBitCast(values, to: [Scalar].self))
      return
    }
    self.init(shape: shape, scalars: generator.normals(count: count).map { Scalar(m + s * $0) })
  }
}
