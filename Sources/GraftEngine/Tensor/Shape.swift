/// A shape error: which op, and what about the shapes is wrong.
public struct ShapeError: Error, CustomStringConvertible, Equatable {
  /// The op that refused its inputs.
  public let op: String
  /// What is wrong and how to fix it.
  public let message: String

  public init(op: String, _ message: String) {
    self.op = op
    self.message = message
  }

  public var description: String { "\(op): \(message)" }
}

/// Stops with the error's message: ops report programming errors this way, like an out-of-range index.
func fail(_ error: ShapeError) -> Never {
  fatalError("Graft \(error.description)")
}

/// Runs a shape check and stops with its message if it throws.
@inline(__always)
func checked<T>(_ body: () throws(ShapeError) -> T) -> T {
  do {
    return try body()
  } catch {
    fail(error)
  }
}

/// The NumPy broadcast of two shapes: trailing dimensions must be equal or 1.
public func broadcastShape(_ a: [Int], _ b: [Int], op: String = "broadcast") throws(ShapeError) -> [Int] {
  let rank = max(a.count, b.count)
  var result = [Int](repeating: 1, count: rank)
  for i in 0..<rank {
    let da = i < rank - a.count ? 1 : a[i - (rank - a.count)]
    let db = i < rank - b.count ? 1 : b[i - (rank - b.count)]
    if da == db || db == 1 {
      result[i] = da
    } else if da == 1 {
      result[i] = db
    } else {
      throw ShapeError(
        op: op,
        "shapes \(a) and \(b) cannot be broadcast together (dimension \(i) is \(da) vs \(db); "
          + "trailing dimensions must be equal or 1)")
    }
  }
  return result
}

/// Strides to read a tensor of `shape` as if it had the (broadcast) shape `target`: 0 along broadcast dims.
func broadcastStrides(_ shape: [Int], to target: [Int]) -> [Int] {
  let own = contiguousStrides(shape)
  let lead = target.count - shape.count
  return (0..<target.count).map { d in
    d < lead || shape[d - lead] == 1 ? 0 : own[d - lead]
  }
}

/// Resolves a possibly negative axis (−1 is the last) against a rank.
func normalizeAxis(_ axis: Int, rank: Int, op: String) throws(ShapeError) -> Int {
  let a = axis < 0 ? axis + rank : axis
  guard a >= 0 && a < rank else {
    throw ShapeError(op: op, "axis \(axis) is out of range for a tensor of rank \(rank)")
  }
  return a
}
