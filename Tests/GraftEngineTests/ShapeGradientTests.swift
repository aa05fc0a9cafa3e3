import GraftEngine
import GraftTestSupport
import Testing

@Suite("Reductions and shape ops: values and gradients")
struct ShapeGradientTests {
  @Test func sumAndMeanValues() {
    let x = Tensor<Float>(shape: [2, 3], scalars: [1, 2, 3, 4, 5, 6])
    #expect(x.sum().scalar == 21)
    #expect(x.sum(alongAxis: 0).scalars == [5, 7, 9])
    #expect(x.sum(alongAxis: -1, keepingDims: true).shape == [2, 1])
    #expect(x.sum(alongAxis: 1).scalars == [6, 15])
    #expect(x.mean(alongAxis: 0).scalars == [2.5, 3.5, 4.5])
    #expect(x.variance(alongAxes: [1]).scalars == [1, 1])
    #expect(x.variance(alongAxes: [1], correction: 0).scalars.map { ($0 * 3).rounded() } == [2, 2])
  }

  @Test(arguments: [[0], [1], [2], [0, 2], [1, 2], [0, 1, 2], [-1]])
  func reductions(_ axes: [Int]) throws {
    var g = Inputs(seed: 11)
    let x = g.normal([3, 4, 5])
    try expectGradientsMatch([x]) { $0[0].sum(alongAxes: axes) }
    try expectGradientsMatch([x]) { $0[0].sum(alongAxes: axes, keepingDims: true) }
    try expectGradientsMatch([x]) { $0[0].mean(alongAxes: axes) }
    try expectGradientsMatch([x]) { $0[0].variance(alongAxes: axes) }
  }

  @Test func batchNormMoments() throws {
    var g = Inputs(seed: 12)
    let x = g.normal([4, 3, 2, 2])
    let (mean, variance) = x.moments(alongAxes: [0, 2, 3])
    #expect(mean.shape == [1, 3, 1, 1] && variance.shape == [1, 3, 1, 1])
    // Channel 1 by hand.
    var values: [Double] = []
    for n in 0..<4 { for i in 0..<2 { for j in 0..<2 { values.append(x[n, 1, i, j]) } } }
    let m = values.reduce(0, +) / 16
    let v = values.map { ($0 - m) * ($0 - m) }.reduce(0, +) / 16
    #expect(abs(mean[0, 1, 0, 0] - m) < 1e-12 && abs(variance[0, 1, 0, 0] - v) < 1e-12)
    try expectGradientsMatch([x]) { t in
      let (m, v) = t[0].moments(alongAxes: [0, 2, 3])
      return (t[0] - m) / (v + 1e-5).sqrt()
    }
  }

  @Test func reshapeFlattenSqueeze() throws {
    var g = Inputs(seed: 13)
    let x = g.normal([2, 3, 4])
    #expect(x.reshaped(to: [6, -1]).shape == [6, 4])
    #expect(x.flattened().shape == [2, 12])
    #expect(x.unsqueezed(at: 1).shape == [2, 1, 3, 4])
    #expect(x.unsqueezed(at: 1).squeezed(at: 1).shape == [2, 3, 4])
    try expectGradientsMatch([x]) { $0[0].reshaped(to: [4, 6]) * $0[0].reshaped(to: [4, 6]) }
  }

  @Test func permuteAndTranspose() throws {
    let x = Tensor<Float>(shape: [2, 3], scalars: [1, 2, 3, 4, 5, 6])
    #expect(x.transposed().scalars == [1, 4, 2, 5, 3, 6])
    var g = Inputs(seed: 14)
    let y = g.normal([2, 3, 4])
    #expect(y.permuted([2, 0, 1]).shape == [4, 2, 3])
    #expect(y.permuted([2, 0, 1])[3, 1, 2] == y[1, 2, 3])
    try expectGradientsMatch([y]) { $0[0].permuted([2, 0, 1]) }
    try expectGradientsMatch([y]) { $0[0].transposed(0, 2) }
  }

  @Test(arguments: [([3], [2, 3]), ([3, 1], [3, 4]), ([1, 1], [2, 3]), ([2, 1, 3], [4, 2, 5, 3])])
  func expand(_ from: [Int], _ to: [Int]) throws {
    var g = Inputs(seed: 15)
    let x = g.normal(from)
    #expect(x.expanded(to: to).shape == to)
    try expectGradientsMatch([x]) { $0[0].expanded(to: to) }
  }

  @Test func sliceAndConcat() throws {
    var g = Inputs(seed: 16)
    let x = g.normal([4, 5, 3])
    let s = x.sliced(alongAxis: 1, 1..<4)
    #expect(s.shape == [4, 3, 3])
    #expect(s[2, 0, 1] == x[2, 1, 1])
    #expect(x[1..<3].shape == [2, 5, 3])
    try expectGradientsMatch([x]) { $0[0].sliced(alongAxis: 1, 1..<4) }
    try expectGradientsMatch([x]) { $0[0].sliced(alongAxis: -1, 2..<3) }
    let a = g.normal([2, 3])
    let b = g.normal([2, 1])
    let c = g.normal([2, 2])
    let joined = Tensor.concatenated([a, b, c], alongAxis: 1)
    #expect(joined.shape == [2, 6])
    #expect(joined[1, 3] == b[1, 0] && joined[0, 5] == c[0, 1])
    try expectGradientsMatch([a, b, c]) { Tensor.concatenated($0, alongAxis: 1) }
    try expectGradientsMatch([a, a]) { Tensor.concatenated($0, alongAxis: 0).squared() }
  }

  @Test func gradientAccumulatesOverReuse() throws {
    let x = Tensor<Double>([1, 2, 3]).requiringGrad()
    let y = (x * x + x * 3).sum()
    let grad = try gradients(of: y, withRespectTo: [x])[0]
    #expect(grad.scalars == [5, 7, 9])
  }
}
