import CGlibcExtras
import Foundation
import GraftEngine

/// Adam (Kingma & Ba), exactly as `torch.optim.Adam`: ε is added after the bias correction of the
/// second moment, weight decay is L2 added to the gradient, AMSGrad optional.
///
///     m ← β1·m + (1−β1)·g;  v ← β2·v + (1−β2)·g²
///     Δ = −lr/(1−β1ᵗ) · m / (√v / √(1−β2ᵗ) + ε)
///
/// The hyperparameters are doubles, as in PyTorch; 1 − β1, 1 − β2 and the bias corrections are
/// computed from them in double precision (see `Optimizer`).
public struct Adam: ElementwiseOptimizer {
  public let learningRate: Double
  public var beta1: Double
  public var beta2: Double
  public var epsilon: Double
  public var weightDecay: Double
  public var amsgrad: Bool
  public var step = 0
  public var state: [[String: Tensor<Float>]] = []

  /// Defaults are PyTorch's; GANs commonly use β1 = 0.5 and β2 = 0.999 or 0.9.
  public init(
    learningRate: Double = 1e-3, beta1: Double = 0.9, beta2: Double = 0.999, epsilon: Double = 1e-8,
    weightDecay: Double = 0, amsgrad: Bool = false
  ) {
    self.learningRate = learningRate
    self.beta1 = beta1
    self.beta2 = beta2
    self.epsilon = epsilon
    self.weightDecay = weightDecay
    self.amsgrad = amsgrad
  }

  public var kind: String { "adam" }
  public var summary: String {
    "adam(lr=\(learningRate), betas=(\(beta1), \(beta2)), eps=\(epsilon), weight_decay=\(weightDecay), amsgrad=\(amsgrad))"
  }

  public func update(
    gradient: Tensor<Float>, parameter: Tensor<Float>, state: inout [String: Tensor<Float>], step: Int,
    learningRate: Double
  ) -> Tensor<Float> {
    // torch.optim.Adam's single-tensor code computes these in Python (double precision) and passes each
    // to a float kernel, which rounds it to float once: exp_avg.lerp_(grad, 1 - beta1);
    // exp_avg_sq.mul_(beta2).addcmul_(grad, grad, value=1 - beta2); bias_correction1 = 1 - beta1**step;
    // step_size = lr / bias_correction1; bias_correction2_sqrt = (1 - beta2**step)**0.5;
    // denom = (exp_avg_sq.sqrt() / bias_correction2_sqrt).add_(eps);
    // param.addcdiv_(exp_avg, denom, value=-step_size).
    let t = Double(step)
    let correction1 = 1 - Foundation.pow(beta1, t)
    // Python's `** 0.5` is C's pow, which need not round like sqrt.
    let correction2Root = Float(Foundation.pow(1 - Foundation.pow(beta2, t), 0.5))
    let negativeStep = Float(-(learningRate / correction1))
    let weight1 = Float(1 - beta1)
    let decay2 = Float(beta2)
    let weight2 = Float(1 - beta2)
    let (epsilon, weightDecay) = (Float(self.epsilon), Float(self.weightDecay))
    let n = gradient.count
    let zeros = { [Float](repeating: 0, count: n) }
    let m0 = state["exp_avg"]?.scalars ?? zeros()
    let v0 = state["exp_avg_sq"]?.scalars ?? zeros()
    let max0 = amsgrad ? (state["max_exp_avg_sq"]?.scalars ?? zeros()) : []
    let amsgrad = self.amsgrad
    // One pass instead of a dozen tensor ops (each a full pass and an allocation); every expression
    // keeps the order of operations of torch.optim.Adam's single-tensor code, so results agree with it.
    // Large tensors are split across the cores.
    var maxV: [Float] = []
    var m: [Float] = []
    var v: [Float] = []
    var delta: [Float] = []
    gradient.scalars.withUnsafeBufferPointer { g in
      parameter.scalars.withUnsafeBufferPointer { p in
        m0.withUnsafeBufferPointer { m0 in
          v0.withUnsafeBufferPointer { v0 in
            max0.withUnsafeBufferPointer { max0 in
              let (g, p, m0, v0, max0) = (
                g.baseAddress!, p.baseAddress!, m0.baseAddress!, v0.baseAddress!, max0.baseAddress
              )
              m = uninitialized(n) { m in
                v = uninitialized(n) { v in
                  maxV = uninitialized(amsgrad ? n : 0) { maxV in
                    delta = uninitialized(n) { delta in
                      Parallel.forEachChunk(of: n, work: n * 8) { range in
                        // Explicit 8-wide vectors (the compiler cannot prove that the arrays do not
                        // overlap, so it would not vectorise); the same operations in the same order.
                        var i = range.lowerBound
                        while i < range.upperBound {
                          let lanes = min(8, range.upperBound - i)
                          var gi = load(g + i, lanes)
                          if weightDecay != 0 { gi = gi + load(p + i, lanes) * weightDecay }
                          let mi = lerp(load(m0 + i, lanes), gi, weight1)
                          // addcmul computes value·g·g in that order: (value·g)·g.
                          let vi = load(v0 + i, lanes) * decay2 + gi * weight2 * gi
                          var second = vi
                          if amsgrad {
                            second = pointwiseMax(load(max0! + i, lanes), vi)
                            store(second, maxV + i, lanes)
                          }
                          store(mi, m + i, lanes)
                          store(vi, v + i, lanes)
                          store(graft_adam_step8(mi, second, correction2Root, epsilon, negativeStep), delta + i, lanes)
                          i += lanes
                        }
                      }
                    }
                  }
                }
              }
            }
          }
        }
      }
    }
    state["exp_avg"] = Tensor(shape: gradient.shape, scalars: m)
    state["exp_avg_sq"] = Tensor(shape: gradient.shape, scalars: v)
    if amsgrad { state["max_exp_avg_sq"] = Tensor(shape: gradient.shape, scalars: maxV) }
    return Tensor(shape: gradient.shape, scalars: delta)
  }
}

/// An array of `count` numbers that `fill` writes through a pointer (every one of them). `fill` is
/// called even for an empty array (callers nest them).
private func uninitialized(_ count: Int, _ fill: (UnsafeMutablePointer<Float>) -> Void) -> [Float] {
  [Float](unsafeUninitializedCapacity: max(count, 1)) { buffer, initialized in
    fill(buffer.baseAddress!)
    initialized = count
  }
}

/// PyTorch's `lerp(start, end, weight)` on eight numbers, with its two formulas (chosen by the weight)
/// so the float results agree.
@inline(__always)
private func lerp(_ start: SIMD8<Float>, _ end: SIMD8<Float>, _ weight: Float) -> SIMD8<Float> {
  weight < 0.5 ? start + (end - start) * weight : end - (end - start) * (1 - weight)
}

/// The first `lanes` numbers at `p` (zeros after them).
@inline(__always)
private func load(_ p: UnsafePointer<Float>, _ lanes: Int) -> SIMD8<Float> {
  if lanes == 8 { return UnsafeRawPointer(p).loadUnaligned(as: SIMD8<Float>.self) }
  var x = SIMD8<Float>()
  for j in 0..<lanes { x[j] = p[j] }
  return x
}

/// Writes the first `lanes` numbers of `x` to `p`.
@inline(__always)
private func store(_ x: SIMD8<Float>, _ p: UnsafeMutablePointer<Float>, _ lanes: Int) {
  if lanes == 8 { return UnsafeMutableRawPointer(p).storeBytes(of: x, as: SIMD8<Float>.self) }
  for j in 0..<lanes { p[j] = x[j] }
}
