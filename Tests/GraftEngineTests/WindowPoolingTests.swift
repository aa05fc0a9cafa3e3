import GraftEngine
import GraftTestSupport
import Testing

@Suite("Padded max and average pooling, zero padding, bilinear resizing: values and finite differences")
struct WindowPoolingTests {
  @Test(arguments: [(3, 2, 0), (3, 1, 1), (2, 2, 1), (3, 2, 1)])
  func maxPoolGradients(_ kernel: Int, _ stride: Int, _ padding: Int) throws {
    var g = Inputs(seed: 41)
    try expectGradientsMatch([g.normal([2, 2, 7, 6])]) {
      $0[0].maxPool2d(kernel: kernel, stride: stride, padding: padding)
    }
  }

  @Test func maxPoolValuesIgnoreThePadding() {
    // All negative: zero padding would win every border window; PyTorch's −∞ padding never does.
    let x = Tensor<Float>(shape: [1, 1, 3, 3], scalars: [-1, -2, -3, -4, -5, -6, -7, -8, -9])
    let y = x.maxPool2d(kernel: 3, stride: 1, padding: 1)
    #expect(y.shape == [1, 1, 3, 3])
    #expect(y.scalars == [-1, -1, -2, -1, -1, -2, -4, -4, -5])
    let strided = Tensor<Float>(shape: [1, 1, 5, 5], scalars: (0..<25).map { Float(($0 * 7) % 25) })
    // Windows rows 0-2 / 2-4 by columns 0-2 / 2-4, values (7i mod 25); torch's F.max_pool2d(x, 3, 2).
    #expect(strided.maxPool2d(kernel: 3, stride: 2).scalars == [24, 24, 22, 23])
  }

  @Test(arguments: [(3, 1, 1, false), (3, 1, 1, true), (3, 2, 1, false), (2, 1, 0, false)])
  func avgPoolGradients(_ kernel: Int, _ stride: Int, _ padding: Int, _ countIncludePad: Bool) throws {
    var g = Inputs(seed: 42)
    try expectGradientsMatch([g.normal([2, 2, 5, 6])]) {
      $0[0].avgPool2d(kernel: kernel, stride: stride, padding: padding, countIncludePad: countIncludePad)
    }
  }

  @Test func avgPoolCountsOnlyTheImageUnlessAsked() {
    let x = Tensor<Float>(shape: [1, 1, 2, 2], scalars: [1, 2, 3, 4])
    // Each 3×3 window around a pixel of a 2×2 image covers the whole image: 10 over 4 positions.
    #expect(x.avgPool2d(kernel: 3, stride: 1, padding: 1, countIncludePad: false).scalars == [2.5, 2.5, 2.5, 2.5])
    let ninth: Float = 10 / 9
    #expect(
      x.avgPool2d(kernel: 3, stride: 1, padding: 1, countIncludePad: true).scalars
        == [Float](repeating: ninth, count: 4))
    // Without padding it agrees with the unpadded op.
    var g = Inputs(seed: 43)
    let y = g.normal([2, 3, 6, 6])
    #expect(
      relativeError(
        y.avgPool2d(kernel: 2, stride: 2, padding: 0, countIncludePad: false).scalars, y.avgPool2d(kernel: 2).scalars)
        < 1e-15)
  }

  /// Images wide enough that the kernels take eight windows at a time, against the definition computed
  /// one window at a time in the same order: the values (and each max's position) are the same, bit for
  /// bit, with ties, NaNs and borders.
  @Test(arguments: [(3, 1, 1), (3, 2, 0), (3, 2, 1), (2, 2, 0), (3, 1, 0), (5, 3, 2)])
  func wideImagesPoolAsTheDefinition(_ kernel: Int, _ stride: Int, _ padding: Int) throws {
    let (planes, height, width) = (3, 9, 41)
    var rng = RandomGenerator(seed: 47)
    // For the max, few distinct values, so that windows hold ties, and a few NaNs; for the means,
    // numbers whose sums round, so that the order of a window's terms shows.
    var scalars = (0..<planes * height * width).map { _ in Float(Int(rng.next() % 7)) - 3 }
    for i in stride..<scalars.count where i % 97 == 0 { scalars[i] = .nan }
    let x = Tensor<Float>(
      shape: [1, planes, height, width], scalars: scalars.indices.map { _ in Float(Int(rng.next() % 2000)) / 7 - 140 })
    let withNaN = Tensor<Float>(shape: [1, planes, height, width], scalars: scalars).requiringGrad()
    let (oh, ow) = ((height + 2 * padding - kernel) / stride + 1, (width + 2 * padding - kernel) / stride + 1)
    func windows(_ oy: Int, _ ox: Int) -> [(Int, Int)] {
      let rows = max(oy * stride - padding, 0)..<min(oy * stride - padding + kernel, height)
      let columns = max(ox * stride - padding, 0)..<min(ox * stride - padding + kernel, width)
      return rows.flatMap { r in columns.map { c in (r, c) } }
    }
    var (maxima, positions, means, paddedMeans, meansD) = ([Float](), [Int](), [Float](), [Float](), [Double]())
    for p in 0..<planes {
      for oy in 0..<oh {
        for ox in 0..<ow {
          var (best, at, sum, sumD) = (-Float.infinity, -1, Float(0), 0.0)
          for (r, c) in windows(oy, ox) {
            let i = (p * height + r) * width + c
            if at < 0 { at = i }
            if scalars[i] > best || scalars[i].isNaN { (best, at) = (scalars[i], i) }
            sum += x.scalars[i]
            sumD += Double(x.scalars[i])
          }
          maxima.append(best)
          positions.append(at)
          means.append(sum / Float(windows(oy, ox).count))
          paddedMeans.append(sum / Float(kernel * kernel))
          meansD.append(sumD / Double(windows(oy, ox).count))
        }
      }
    }
    let y = withNaN.maxPool2d(kernel: kernel, stride: stride, padding: padding)
    #expect(y.shape == [1, planes, oh, ow])
    // Where two lists first differ, or nil.
    func firstDifference(_ a: [Float], _ b: [Float]) -> String? {
      guard a.count == b.count else { return "\(a.count) numbers for \(b.count)" }
      return a.indices.first { a[$0].bitPattern != b[$0].bitPattern }.map { "at \($0): \(a[$0]) for \(b[$0])" }
    }
    #expect(firstDifference(y.scalars, maxima) == nil)
    // Each max's position, through the gradient: output j sends j + 1 to it.
    let weights = Tensor<Float>(shape: y.shape, scalars: (0..<y.scalars.count).map { Float($0 + 1) })
    let gx = try gradients(of: (y * weights).sum(), withRespectTo: [withNaN])[0]
    var expected = [Float](repeating: 0, count: scalars.count)
    for (j, i) in positions.enumerated() { expected[i] += Float(j + 1) }
    #expect(firstDifference(gx.scalars, expected) == nil)
    let mean = x.avgPool2d(kernel: kernel, stride: stride, padding: padding, countIncludePad: false)
    #expect(firstDifference(mean.scalars, means) == nil)
    let paddedMean = x.avgPool2d(kernel: kernel, stride: stride, padding: padding, countIncludePad: true)
    #expect(firstDifference(paddedMean.scalars, paddedMeans) == nil)
    // Double's means go eight at a time too (its max one at a time).
    let xd = Tensor<Double>(shape: x.shape, scalars: x.scalars.map(Double.init))
    let meanD = xd.avgPool2d(kernel: kernel, stride: stride, padding: padding, countIncludePad: false).scalars
    #expect(meanD.map(\.bitPattern) == meansD.map(\.bitPattern))
  }

  @Test func zeroPaddingValuesAndGradients() throws {
    let x = Tensor<Float>(shape: [1, 1, 1, 2], scalars: [1, 2])
    let padded = x.zeroPadded(height: 1, width: 2)
    #expect(padded.shape == [1, 1, 3, 6])
    #expect(padded.scalars == [0, 0, 0, 0, 0, 0, 0, 0, 1, 2, 0, 0, 0, 0, 0, 0, 0, 0])
    var g = Inputs(seed: 44)
    try expectGradientsMatch([g.normal([2, 2, 3, 4])]) { $0[0].zeroPadded(height: 0, width: 3) }
    try expectGradientsMatch([g.normal([2, 2, 3, 4])]) { $0[0].zeroPadded(height: 2, width: 1) }
    // Padding then an unpadded convolution is the padded convolution.
    let image = g.normal([2, 3, 5, 5])
    let filter = g.normal([4, 3, 3, 3])
    let direct = conv2d(image, filter: filter, padding: 1)
    let viaPadding = conv2d(image.zeroPadded(height: 1, width: 1), filter: filter)
    #expect(relativeError(direct.scalars, viaPadding.scalars) < 1e-14)
  }

  @Test func bilinearResizeValues() {
    // PyTorch: F.interpolate([[0, 1], [2, 3]], size=(4, 4), mode="bilinear", align_corners=False).
    let x = Tensor<Float>(shape: [1, 1, 2, 2], scalars: [0, 1, 2, 3])
    let y = x.resizedBilinear(height: 4, width: 4)
    #expect(
      y.scalars == [
        0, 0.25, 0.75, 1, 0.5, 0.75, 1.25, 1.5, 1.5, 1.75, 2.25, 2.5, 2, 2.25, 2.75, 3,
      ])
    // Downsampling 4 → 2 samples at 0.5 and 2.5: the means of neighbouring pairs.
    let z = Tensor<Float>(shape: [1, 1, 1, 4], scalars: [0, 2, 4, 8]).resizedBilinear(height: 1, width: 2)
    #expect(z.scalars == [1, 6])
    #expect(x.resizedBilinear(height: 2, width: 2).scalars == x.scalars)
  }

  @Test func bilinearResizeGradients() throws {
    var g = Inputs(seed: 45)
    try expectGradientsMatch([g.normal([2, 2, 3, 4])]) { $0[0].resizedBilinear(height: 7, width: 5) }
    try expectGradientsMatch([g.normal([1, 2, 6, 5])]) { $0[0].resizedBilinear(height: 4, width: 3) }
  }

  @Test func gradientPenaltyThroughTheNewOps() throws {
    // The gradient of a critic through these ops is itself differentiable (a gradient penalty).
    var g = Inputs(seed: 46)
    let x = g.normal([2, 2, 5, 5])
    let params = [g.normal([3, 2, 3, 3]) * 0.5, g.normal([3 * 3 * 3, 1]) * 0.3]
    try SecondOrderTests.expectPenaltyGradientMatches(x, params) { x, p in
      var h = conv2d(x, filter: p[0], padding: 1).tanh()  // [2, 3, 5, 5]
      h = h.maxPool2d(kernel: 3, stride: 1, padding: 1).zeroPadded(height: 0, width: 1)  // [2, 3, 5, 7]
      h = h.avgPool2d(kernel: 3, stride: 2, padding: 1, countIncludePad: false)  // [2, 3, 3, 4]
      h = h.resizedBilinear(height: 3, width: 3)  // [2, 3, 3, 3]
      return matmul(h.flattened(), p[1]).sigmoid()
    }
  }
}
