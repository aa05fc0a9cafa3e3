import Foundation
import GraftEngine
import GraftTestSupport
import Testing

/// The gradient penalty of WGAN-GP needs ∇_θ ‖∇_x D_θ(x)‖: these tests take that gradient with
/// `createGraph: true` and compare it with finite differences of the penalty itself.
@Suite("Second-order gradients")
struct SecondOrderTests {
  /// (‖∇_x Σ D(x)‖ − 1)², with the first-order gradient recorded when `createGraph` is set.
  static func penalty(
    _ x: Tensor<Double>, _ params: [Tensor<Double>], createGraph: Bool,
    _ critic: (Tensor<Double>, [Tensor<Double>]) -> Tensor<Double>
  ) throws -> Tensor<Double> {
    let input = x.requiringGrad()
    let out = critic(input, params).sum()
    let gx = try gradients(of: out, withRespectTo: [input], createGraph: createGraph)[0]
    let norm = (gx.squared().sum() + 1e-12).sqrt()
    return (norm - 1).squared()
  }

  static func expectPenaltyGradientMatches(
    _ x: Tensor<Double>, _ params: [Tensor<Double>],
    _ critic: @escaping (Tensor<Double>, [Tensor<Double>]) -> Tensor<Double>
  ) throws {
    let tracked = params.map { $0.requiringGrad() }
    let p = try penalty(x, tracked, createGraph: true, critic)
    let analytic = try gradients(of: p, withRespectTo: tracked)
    let numeric = numericalGradients(params) { ps in
      (try? penalty(x, ps.map { $0.requiringGrad() }, createGraph: false, critic).scalar) ?? .nan
    }
    for i in params.indices {
      let error = relativeError(analytic[i].scalars, numeric[i])
      #expect(error < 1e-6, "parameter \(i): relative error \(error)")
      #expect(analytic[i].scalars.contains { $0 != 0 }, "parameter \(i): the gradient is identically zero")
    }
  }

  @Test func mlpGradientPenalty() throws {
    var g = Inputs(seed: 31)
    let x = g.normal([5, 3])
    let params = [g.normal([3, 8]), g.normal([8]), g.normal([8, 6]), g.normal([6]), g.normal([6, 1])]
    try Self.expectPenaltyGradientMatches(x, params) { x, p in
      let h1 = (matmul(x, p[0]) + p[1]).tanh()
      let h2 = (matmul(h1, p[2]) + p[3]).softplus()
      return matmul(h2, p[4]).sigmoid()
    }
  }

  /// (Leaky) ReLU pass gradients back in one fused op whose own pullback is itself.
  @Test func leakyReluGradientPenalty() throws {
    var g = Inputs(seed: 34)
    let x = g.normal([5, 3])
    let params = [g.normal([3, 8]), g.normal([8]), g.normal([8, 6]), g.normal([6, 1])]
    try Self.expectPenaltyGradientMatches(x, params) { x, p in
      let h1 = (matmul(x, p[0]) + p[1]).leakyRelu(slope: 0.2)
      let h2 = matmul(h1, p[2]).relu().squared()
      return matmul(h2, p[3]).tanh()
    }
  }

  /// The fused batch norm: its pullbacks switch to tensor ops on x when the backward is recorded.
  @Test func batchNormGradientPenalty() throws {
    var g = Inputs(seed: 33)
    let x = g.normal([4, 3, 2, 2])
    let params = [g.normal([3]), g.normal([3]), g.normal([3 * 2 * 2, 1]) * 0.5]
    try Self.expectPenaltyGradientMatches(x, params) { x, p in
      let h = batchNorm(x.tanh(), weight: p[0], bias: p[1], epsilon: 1e-5).output.softplus()
      return matmul(h.reshaped(to: [4, 12]), p[2]).tanh()
    }
  }

  @Test func convNetGradientPenalty() throws {
    var g = Inputs(seed: 32)
    let x = g.normal([2, 2, 6, 6])
    let params = [
      g.normal([3, 2, 3, 3]) * 0.5, g.normal([3]), g.normal([3, 2, 4, 4]) * 0.5, g.normal([2]),
      g.normal([2 * 3 * 3, 1]) * 0.3,
    ]
    try Self.expectPenaltyGradientMatches(x, params) { x, p in
      var h = conv2d(x, filter: p[0], bias: p[1], stride: 1, padding: 1).tanh()  // [2, 3, 6, 6]
      h = h.avgPool2d(kernel: 2)  // [2, 3, 3, 3]
      h = convTranspose2d(h, filter: p[2], bias: p[3], stride: 2, padding: 1).softplus()  // [2, 2, 6, 6]
      h = h.avgPool2d(kernel: 2).upsampledNearest(scale: 2).avgPool2d(kernel: 2)  // [2, 2, 3, 3]
      return matmul(h.flattened(), p[4]).sigmoid()
    }
  }

  @Test func secondDerivativeOfScalarFunctions() throws {
    // d²/dx² of x³ is 6x; of exp is exp; of tanh is −2 tanh (1 − tanh²).
    let x = Tensor<Double>([0.3, -1.2, 2.0]).requiringGrad()
    let cube = try gradients(of: x.pow(3).sum(), withRespectTo: [x], createGraph: true)[0]
    let second = try gradients(of: cube.sum(), withRespectTo: [x])[0]
    #expect(relativeError(second.scalars, x.scalars.map { 6 * $0 }) < 1e-12)
    let e = try gradients(of: x.exp().sum(), withRespectTo: [x], createGraph: true)[0]
    let e2 = try gradients(of: e.sum(), withRespectTo: [x])[0]
    #expect(relativeError(e2.scalars, x.scalars.map { Foundation.exp($0) }) < 1e-12)
    let t = try gradients(of: x.tanh().sum(), withRespectTo: [x], createGraph: true)[0]
    let t2 = try gradients(of: t.sum(), withRespectTo: [x])[0]
    let expected = x.scalars.map { v -> Double in
      let th = Foundation.tanh(v)
      return -2 * th * (1 - th * th)
    }
    #expect(relativeError(t2.scalars, expected) < 1e-12)
  }
}
