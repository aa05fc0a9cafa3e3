extension Tensor {
  /// max(x, 0); the derivative at 0 is 0.
  public func relu() -> Tensor {
    let x = self
    return applying(.relu).recorded("ReluBackward", x, { g in reluGradient(g, x, slope: 0) })
  }

  /// x for x > 0, slope·x otherwise.
  public func leakyRelu(slope: Scalar = 0.01) -> Tensor {
    let x = self
    let s = Double(slope)
    return applying(.leakyRelu(slope: s)).recorded("LeakyReluBackward", x, { g in reluGradient(g, x, slope: s) })
  }

  /// 1 / (1 + e⁻ˣ), computed without overflow.
  public func sigmoid() -> Tensor {
    let x = self
    let y = applying(.sigmoid)
    return y.recorded(
      "SigmoidBackward", x,
      { g in
        let s = GradMode.isEnabled ? x.sigmoid() : y
        return g * s * (1 - s)
      })
  }

  /// Hyperbolic tangent.
  public func tanh() -> Tensor {
    let x = self
    let y = applying(.tanh)
    return y.recorded(
      "TanhBackward", x,
      { g in
        let t = GradMode.isEnabled ? x.tanh() : y
        return g * (1 - t * t)
      })
  }

  /// log(1 + eˣ), stable for large |x|; its derivative is sigmoid(x).
  public func softplus() -> Tensor {
    let x = self
    return applying(.softplus).recorded("SoftplusBackward", x, { g in g * x.sigmoid() })
  }

  /// log(sigmoid(x)) = −softplus(−x), stable for large |x| (the building block of GAN losses).
  public func logSigmoid() -> Tensor {
    -(-self).softplus()
  }
}

/// g where x > 0, slope·g elsewhere: the pullback of (leaky) ReLU in one pass. It is linear in g with
/// the same mask, so its own pullback is itself; its derivative in x is zero almost everywhere, so x
/// gets no edge.
func reluGradient<S>(_ g: Tensor<S>, _ x: Tensor<S>, slope: Double) -> Tensor<S> {
  g.applying(.reluGradient(slope: slope), x, name: "relu gradient").recorded(
    "ReluGradientBackward", g, { g2 in reluGradient(g2, x, slope: slope) })
}
