// Element-wise functions. Where the derivative is best written with the output (exp, sqrt), the pullback
// reuses the saved output, except when it is itself being recorded (createGraph): then it recomputes the
// output from the input so that the second derivative is right.

extension Tensor {
  /// eˣ.
  public func exp() -> Tensor {
    let x = self
    let y = applying(.exp)
    return y.recorded("ExpBackward", x, { g in g * (GradMode.isEnabled ? x.exp() : y) })
  }

  /// Natural logarithm.
  public func log() -> Tensor {
    let x = self
    return applying(.log).recorded("LogBackward", x, { g in g / x })
  }

  /// Square root.
  public func sqrt() -> Tensor {
    let x = self
    let y = applying(.sqrt)
    return y.recorded("SqrtBackward", x, { g in g / ((GradMode.isEnabled ? x.sqrt() : y) * 2) })
  }

  /// x².
  public func squared() -> Tensor {
    let x = self
    return applying(.square).recorded("SquareBackward", x, { g in g * x * 2 })
  }

  /// xᵖ for a scalar exponent.
  public func pow(_ exponent: Scalar) -> Tensor {
    let x = self
    if exponent == 2 { return squared() }
    return applying(.pow(Double(exponent))).recorded(
      "PowBackward", x, { g in g * x.pow(exponent - 1) * exponent })
  }

  /// |x|; the derivative at 0 is taken as 0, as in PyTorch.
  public func abs() -> Tensor {
    let x = self
    return applying(.abs).recorded("AbsBackward", x, { g in g * x.applying(.sign) })
  }

  /// −1, 0 or 1 (no gradient flows through the sign).
  public func sign() -> Tensor {
    applying(.sign)
  }

  /// x limited to [min, max]; the gradient passes where min ≤ x ≤ max.
  public func clamped(min lower: Scalar = -.infinity, max upper: Scalar = .infinity) -> Tensor {
    precondition(lower <= upper, "clamped: min \(lower) is greater than max \(upper)")
    let x = self
    return applying(.clamp(min: Double(lower), max: Double(upper))).recorded(
      "ClampBackward", x, { g in g * x.applying(.insideMask(min: Double(lower), max: Double(upper))) })
  }
}
