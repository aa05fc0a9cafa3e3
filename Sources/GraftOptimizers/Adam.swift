import Foundation

/// Adam (Kingma & Ba), exactly as `torch.optim.Adam`: ε is added after the bias correction of the
/// second moment, weight decay is L2 added to the gradient, AMSGrad optional.
///
///     m ← β1·m + (1−β1)·g;  v ← β2·v + (1−β2)·g²
///     Δ = −lr/(1−β1ᵗ) · m / (√v / √(1−β2ᵗ) + ε)
public struct Adam: ElementwiseOptimizer {
  public var learningRate: Float
  public var beta1: Float
  public var beta2: Float
  public var epsilon: Float
  public var weightDecay: Float
  public var amsgrad: Bool
  public var step = 0
  public var state: [[String: Tensor<Float>]] = []

  /// Defaults are PyTorch's; GANs commonly use β1 = 0.5 and β2 = 0.999 or 0.9.
  public init(
    learningRate: Float = 1e-3, beta1: Float = 0.9, beta2: Float = 0.999, epsilon: Float = 1e-8,
    weightDecay: Float = 0, amsgrad: Bool = false
  ) {
    self.learningRate = learningRate
    self.beta1 = beta1
    self.beta2 = beta2
    self.epsilon = epsilon
    self.weightDecay = weightDecay
    self.amsgrad = amsgrad
  }

  public var summary: String {
    "adam(lr=\(learningRate), betas=(\(beta1), \(beta2)), eps=\(epsilon), weight_decay=\(weightDecay), amsgrad=\(amsgrad))"
  }

  public func update(
    gradient: Tensor<Float>, parameter: Tensor<Float>, state: inout [String: Tensor<Float>], step: Int,
    learningRate: Float
  ) -> Tensor<Float> {
    // PyTorch computes the bias corrections in double precision.
    let correction1 = 1 - Foundation.pow(Double(beta1), Double(step))
    let correction2Root = Float((1 - Foundation.pow(Double(beta2), Double(step))).squareRoot())
    let stepSize = Float(Double(learningRate) / correction1)
    let (beta1, beta2, epsilon, weightDecay) = (self.beta1, self.beta2, self.epsilon, self.weightDecay)
    let n = gradient.count
    let m0 = state["exp_avg"]?.scalars ?? [Float](repeating: 0, count: n)
    let v0 = state["exp_avg_sq"]?.scalars ?? [Float](repeating: 0, count: n)
    let max0 = amsgrad ? (state["max_exp_avg_sq"]?.scalars ?? [Float](repeating: 0, count: n)) : []
    let amsgrad = self.amsgrad
    // One pass instead of a dozen tensor ops (each a full pass and an allocation); every expression
    // keeps the order of operations of torch.optim.Adam's single-tensor code, so results agree with it.
    var m = [Float](repeating: 0, count: n)
    var v = [Float](repeating: 0, count: n)
    var maxV = [Float](repeating: 0, count: amsgrad ? n : 0)
    var delta = [Float](repeating: 0, count: n)
    gradient.scalars.withUnsafeBufferPointer { g in
      parameter.scalars.withUnsafeBufferPointer { p in
        m0.withUnsafeBufferPointer { m0 in
          v0.withUnsafeBufferPointer { v0 in
            max0.withUnsafeBufferPointer { max0 in
              m.withUnsafeMutableBufferPointer { m in
                v.withUnsafeMutableBufferPointer { v in
                  maxV.withUnsafeMutableBufferPointer { maxV in
                    delta.withUnsafeMutableBufferPointer { delta in
                      if weightDecay == 0 && !amsgrad {
                        // The common case, without branches in the loop so that it vectorises.
                        for i in 0..<n {
                          m[i] = lerp(m0[i], g[i], 1 - beta1)
                          v[i] = v0[i] * beta2 + g[i] * g[i] * (1 - beta2)
                          delta[i] = m[i] / (v[i].squareRoot() / correction2Root + epsilon) * -stepSize
                        }
                        return
                      }
                      for i in 0..<n {
                        let gi = weightDecay != 0 ? g[i] + p[i] * weightDecay : g[i]
                        m[i] = lerp(m0[i], gi, 1 - beta1)
                        v[i] = v0[i] * beta2 + gi * gi * (1 - beta2)
                        var second = v[i]
                        if amsgrad {
                          second = Swift.max(max0[i], v[i])
                          maxV[i] = second
                        }
                        delta[i] = m[i] / (second.squareRoot() / correction2Root + epsilon) * -stepSize
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
