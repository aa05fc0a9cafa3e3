import GraftEngine
import GraftTestSupport
import Testing

@Suite("Element-wise ops: gradients against finite differences (Double)")
struct ElementwiseGradientTests {
  /// Shape pairs covering same shape, scalar, row/column and leading-dimension broadcasts.
  static let shapePairs: [([Int], [Int])] = [
    ([3, 4], [3, 4]), ([3, 4], []), ([2, 3, 4], [4]), ([3, 1], [1, 4]), ([2, 1, 4], [3, 1]), ([5], [1]),
  ]

  @Test(arguments: shapePairs)
  func add(_ a: [Int], _ b: [Int]) throws {
    var g = Inputs(seed: 1)
    try expectGradientsMatch([g.normal(a), g.normal(b)]) { $0[0] + $0[1] }
  }

  @Test(arguments: shapePairs)
  func subtract(_ a: [Int], _ b: [Int]) throws {
    var g = Inputs(seed: 2)
    try expectGradientsMatch([g.normal(a), g.normal(b)]) { $0[0] - $0[1] }
  }

  @Test(arguments: shapePairs)
  func multiply(_ a: [Int], _ b: [Int]) throws {
    var g = Inputs(seed: 3)
    try expectGradientsMatch([g.normal(a), g.normal(b)]) { $0[0] * $0[1] }
  }

  @Test(arguments: shapePairs)
  func divide(_ a: [Int], _ b: [Int]) throws {
    var g = Inputs(seed: 4)
    try expectGradientsMatch([g.normal(a), g.uniform(b, 0.5, 2)]) { $0[0] / $0[1] }
  }

  @Test(arguments: shapePairs)
  func dividedSafely(_ a: [Int], _ b: [Int]) throws {
    var g = Inputs(seed: 5)
    try expectGradientsMatch([g.normal(a), g.uniform(b, 0.5, 2)]) { $0[0].dividedSafely(by: $0[1]) }
  }

  @Test func dividedSafelyByZeroIsZeroWithZeroGradient() throws {
    let a = Tensor<Double>([1, -2, 3]).requiringGrad()
    let b = Tensor<Double>([2, 0, 0]).requiringGrad()
    let y = a.dividedSafely(by: b)
    #expect(y.scalars == [0.5, 0, 0])
    let grads = try gradients(of: y.sum(), withRespectTo: [a, b])
    #expect(grads[0].scalars == [0.5, 0, 0])
    #expect(grads[1].scalars == [-0.25, 0, 0])
    #expect(!grads.flatMap(\.scalars).contains { $0.isNaN })
  }

  @Test(arguments: shapePairs)
  func maximumAndMinimum(_ a: [Int], _ b: [Int]) throws {
    var g = Inputs(seed: 6)
    let inputs = [g.normal(a), g.normal(b)]
    try expectGradientsMatch(inputs) { maximum($0[0], $0[1]) }
    try expectGradientsMatch(inputs) { minimum($0[0], $0[1]) }
  }

  @Test func maximumSplitsTheGradientAtTies() throws {
    let a = Tensor<Double>([1, 2]).requiringGrad()
    let b = Tensor<Double>([1, 3]).requiringGrad()
    let grads = try gradients(of: maximum(a, b).sum(), withRespectTo: [a, b])
    #expect(grads[0].scalars == [0.5, 0])
    #expect(grads[1].scalars == [0.5, 1])
  }

  static let shapes: [[Int]] = [[7], [3, 4], [2, 3, 2]]

  /// PyTorch computes x³ as x·x·x, not as pow (for 1.2911361 the two differ in the last bit:
  /// 2.1523662 against the correctly rounded 2.1523659); Graft follows it.
  @Test func cubesAreProductsAsInPyTorch() {
    let x = Tensor<Float>([1.2911361455917358, -0.699350893497467, 0.17336951196193695, -2.8786895275115967])
    #expect(x.pow(3).scalars == x.scalars.map { $0 * $0 * $0 })
    #expect(x.pow(3).scalars[0] == 2.1523661613464355)
    #expect(Tensor<Float>([-2]).pow(3).scalars == [-8])
  }

  @Test(arguments: shapes)
  func unaryOps(_ shape: [Int]) throws {
    var g = Inputs(seed: 7)
    let x = g.normal(shape)
    let positive = g.uniform(shape, 0.2, 3)
    let kinked = g.awayFromZero(shape)
    try expectGradientsMatch([x]) { -$0[0] }
    try expectGradientsMatch([x]) { $0[0].exp() }
    try expectGradientsMatch([positive]) { $0[0].log() }
    try expectGradientsMatch([positive]) { $0[0].sqrt() }
    try expectGradientsMatch([x]) { $0[0].squared() }
    try expectGradientsMatch([positive]) { $0[0].pow(2.5) }
    try expectGradientsMatch([x]) { $0[0].pow(3) }
    try expectGradientsMatch([kinked]) { $0[0].abs() }
    try expectGradientsMatch([kinked]) { $0[0].clamped(min: -0.5, max: 0.7) }
    try expectGradientsMatch([kinked]) { $0[0].relu() }
    try expectGradientsMatch([kinked]) { $0[0].leakyRelu(slope: 0.2) }
    try expectGradientsMatch([x]) { $0[0].sigmoid() }
    try expectGradientsMatch([x]) { $0[0].tanh() }
    try expectGradientsMatch([x]) { $0[0].softplus() }
    try expectGradientsMatch([x]) { $0[0].logSigmoid() }
    try expectGradientsMatch([x]) { 2 - $0[0] * 3 + 1 / ($0[0].squared() + 1) }
  }

  @Test func stableFunctionsStayFiniteForLargeInputs() {
    let x = Tensor<Float>([-1000, -50, 0, 50, 1000])
    let softplus = x.softplus().scalars
    let logSigmoid = x.logSigmoid().scalars
    let sigmoid = x.sigmoid().scalars
    #expect(softplus.allSatisfy { $0.isFinite })
    #expect(logSigmoid.allSatisfy { $0.isFinite })
    #expect(softplus[4] == 1000 && softplus[0] == 0)
    #expect(logSigmoid[0] == -1000 && logSigmoid[4] == 0)
    #expect(sigmoid[0] == 0 && sigmoid[2] == 0.5 && sigmoid[4] == 1)
  }
}
