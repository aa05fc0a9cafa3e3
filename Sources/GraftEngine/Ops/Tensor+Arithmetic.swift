// Element-wise arithmetic with NumPy broadcasting. Each pullback reduces the incoming gradient back to
// its input's shape (`sumToShape`), which is where broadcasting is undone.

extension Tensor {
  public static func + (lhs: Tensor, rhs: Tensor) -> Tensor {
    lhs.applying(.add, rhs, name: "add").recorded(
      "AddBackward", lhs, { g in g.sumToShape(lhs.shape) },
      rhs, { g in g.sumToShape(rhs.shape) })
  }

  public static func - (lhs: Tensor, rhs: Tensor) -> Tensor {
    lhs.applying(.subtract, rhs, name: "subtract").recorded(
      "SubBackward", lhs, { g in g.sumToShape(lhs.shape) },
      rhs, { g in (-g).sumToShape(rhs.shape) })
  }

  public static func * (lhs: Tensor, rhs: Tensor) -> Tensor {
    lhs.applying(.multiply, rhs, name: "multiply").recorded(
      "MulBackward", lhs, { g in (g * rhs).sumToShape(lhs.shape) },
      rhs, { g in (g * lhs).sumToShape(rhs.shape) })
  }

  public static func / (lhs: Tensor, rhs: Tensor) -> Tensor {
    lhs.applying(.divide, rhs, name: "divide").recorded(
      "DivBackward", lhs, { g in (g / rhs).sumToShape(lhs.shape) },
      rhs, { g in (-(g * lhs) / (rhs * rhs)).sumToShape(rhs.shape) })
  }

  public static prefix func - (x: Tensor) -> Tensor {
    x.applying(.negate).recorded("NegBackward", x, { g in -g })
  }

  /// lhs / rhs where rhs ≠ 0, and 0 where rhs = 0; the gradient is 0 there too. For normalising vectors
  /// that may be zero (a zero update stays zero instead of becoming NaN).
  public func dividedSafely(by rhs: Tensor) -> Tensor {
    let lhs = self
    return applying(.safeDivide, rhs, name: "dividedSafely").recorded(
      "SafeDivBackward", lhs, { g in g.dividedSafely(by: rhs).sumToShape(lhs.shape) },
      rhs, { g in (-(g * lhs).dividedSafely(by: rhs * rhs)).sumToShape(rhs.shape) })
  }

  /// The element-wise maximum; at ties each input gets half the gradient, as in PyTorch.
  public static func maximum(_ lhs: Tensor, _ rhs: Tensor) -> Tensor {
    lhs.applying(.maximum, rhs, name: "maximum").recorded(
      "MaximumBackward", lhs, { g in (g * lhs.applying(.winnerMask, rhs, name: "maximum")).sumToShape(lhs.shape) },
      rhs, { g in (g * rhs.applying(.winnerMask, lhs, name: "maximum")).sumToShape(rhs.shape) })
  }

  /// The element-wise minimum; at ties each input gets half the gradient, as in PyTorch.
  public static func minimum(_ lhs: Tensor, _ rhs: Tensor) -> Tensor {
    lhs.applying(.minimum, rhs, name: "minimum").recorded(
      "MinimumBackward", lhs, { g in (g * rhs.applying(.winnerMask, lhs, name: "minimum")).sumToShape(lhs.shape) },
      rhs, { g in (g * lhs.applying(.winnerMask, rhs, name: "minimum")).sumToShape(rhs.shape) })
  }

  // Scalar operands are 0-d tensors, which broadcast against anything.
  public static func + (lhs: Tensor, rhs: Scalar) -> Tensor { lhs + Tensor(rhs) }
  public static func + (lhs: Scalar, rhs: Tensor) -> Tensor { Tensor(lhs) + rhs }
  public static func - (lhs: Tensor, rhs: Scalar) -> Tensor { lhs - Tensor(rhs) }
  public static func - (lhs: Scalar, rhs: Tensor) -> Tensor { Tensor(lhs) - rhs }
  public static func * (lhs: Tensor, rhs: Scalar) -> Tensor { lhs * Tensor(rhs) }
  public static func * (lhs: Scalar, rhs: Tensor) -> Tensor { Tensor(lhs) * rhs }
  public static func / (lhs: Tensor, rhs: Scalar) -> Tensor { lhs / Tensor(rhs) }
  public static func / (lhs: Scalar, rhs: Tensor) -> Tensor { Tensor(lhs) / rhs }

  public static func += (lhs: inout Tensor, rhs: Tensor) { lhs = lhs + rhs }
  public static func -= (lhs: inout Tensor, rhs: Tensor) { lhs = lhs - rhs }
  public static func *= (lhs: inout Tensor, rhs: Tensor) { lhs = lhs * rhs }
  public static func /= (lhs: inout Tensor, rhs: Tensor) { lhs = lhs / rhs }
}

/// The element-wise maximum of two tensors (broadcast).
public func maximum<S>(_ a: Tensor<S>, _ b: Tensor<S>) -> Tensor<S> { Tensor.maximum(a, b) }
/// The element-wise minimum of two tensors (broadcast).
public func minimum<S>(_ a: Tensor<S>, _ b: Tensor<S>) -> Tensor<S> { Tensor.minimum(a, b) }
