extension Tensor {
  /// The same elements in a new shape with the same count; one dimension may be −1 (inferred).
  /// No data is copied.
  public func reshaped(to newShape: [Int]) -> Tensor {
    let x = self
    let resolved = checked { () throws(ShapeError) in try resolveReshape(newShape) }
    return reshapedStorage(resolved).recorded("ReshapeBackward", x, { g in g.reshaped(to: x.shape) })
  }

  /// The untracked tensor with this storage and another shape of the same count.
  func reshapedStorage(_ newShape: [Int]) -> Tensor {
    Tensor(shape: newShape, scalars: scalars, node: nil)
  }

  private func resolveReshape(_ newShape: [Int]) throws(ShapeError) -> [Int] {
    let unknown = newShape.indices.filter { newShape[$0] == -1 }
    guard unknown.count <= 1, newShape.allSatisfy({ $0 >= -1 }) else {
      throw ShapeError(op: "reshape", "invalid target shape \(newShape): at most one −1 and no other negative sizes")
    }
    var resolved = newShape
    let known = newShape.filter { $0 != -1 }.reduce(1, *)
    if let u = unknown.first {
      guard known > 0, count % known == 0 else {
        throw ShapeError(op: "reshape", "cannot reshape \(shape) (\(count) elements) into \(newShape)")
      }
      resolved[u] = count / known
    }
    guard resolved.reduce(1, *) == count else {
      throw ShapeError(op: "reshape", "cannot reshape \(shape) (\(count) elements) into \(newShape)")
    }
    return resolved
  }

  /// Flattens the dimensions from `startAxis` on into one ([N, C, H, W] → [N, C·H·W] by default).
  public func flattened(startAxis: Int = 1) -> Tensor {
    let start = checked { () throws(ShapeError) in try normalizeAxis(startAxis, rank: Swift.max(rank, 1), op: "flatten")
    }
    return reshaped(to: Array(shape[..<start]) + [shape[start...].reduce(1, *)])
  }

  /// Inserts a dimension of size 1 at `axis`.
  public func unsqueezed(at axis: Int) -> Tensor {
    let a = checked { () throws(ShapeError) in try normalizeAxis(axis, rank: rank + 1, op: "unsqueeze") }
    var s = shape
    s.insert(1, at: a)
    return reshaped(to: s)
  }

  /// Removes a dimension of size 1 at `axis`.
  public func squeezed(at axis: Int) -> Tensor {
    let a = checked { () throws(ShapeError) in try normalizeAxis(axis, rank: rank, op: "squeeze") }
    precondition(shape[a] == 1, "squeeze: dimension \(a) of shape \(shape) has size \(shape[a]), not 1")
    var s = shape
    s.remove(at: a)
    return reshaped(to: s)
  }

  /// The dimensions reordered: output dimension i is input dimension `axes[i]` (PyTorch's `permute`).
  public func permuted(_ axes: [Int]) -> Tensor {
    let x = self
    guard axes.sorted() == Array(0..<rank) else {
      fail(ShapeError(op: "permute", "\(axes) is not a permutation of the \(rank) axes of shape \(shape)"))
    }
    if axes == Array(0..<rank) { return self }
    let strides = contiguousStrides(shape)
    let y = gathering(StridedLayout(strides: axes.map { strides[$0] }), shape: axes.map { shape[$0] })
    var inverse = [Int](repeating: 0, count: rank)
    for (i, a) in axes.enumerated() { inverse[a] = i }
    return y.recorded("PermuteBackward", x, { g in g.permuted(inverse) })
  }

  /// Swaps two dimensions.
  public func transposed(_ a: Int, _ b: Int) -> Tensor {
    var axes = Array(0..<rank)
    let (i, j) = checked { () throws(ShapeError) in
      (try normalizeAxis(a, rank: rank, op: "transpose"), try normalizeAxis(b, rank: rank, op: "transpose"))
    }
    axes.swapAt(i, j)
    return permuted(axes)
  }

  /// Swaps the last two dimensions (the matrix transpose; rank ≥ 2).
  public func transposed() -> Tensor {
    precondition(rank >= 2, "transposed: needs rank ≥ 2, got shape \(shape)")
    return transposed(rank - 2, rank - 1)
  }

  /// This tensor broadcast to `newShape` (dimensions of size 1 repeated, leading dimensions added),
  /// materialised. The pullback sums over the repeated dimensions.
  public func expanded(to newShape: [Int]) -> Tensor {
    let x = self
    if newShape == shape { return self }
    // A single element (a loss mean's gradient) fills the new shape: no strides to build and walk.
    if count == 1 && rank <= newShape.count && newShape.allSatisfy({ $0 >= 0 }) {
      return Tensor(shape: newShape, repeating: scalars[0]).recorded(
        "ExpandBackward", x, { g in g.sumToShape(x.shape) })
    }
    let result = checked { () throws(ShapeError) in try broadcastShape(shape, newShape, op: "expand") }
    guard result == newShape else {
      fail(ShapeError(op: "expand", "shape \(shape) cannot be expanded to \(newShape)"))
    }
    let y = gathering(StridedLayout(strides: broadcastStrides(shape, to: newShape)), shape: newShape)
    return y.recorded("ExpandBackward", x, { g in g.sumToShape(x.shape) })
  }
}
