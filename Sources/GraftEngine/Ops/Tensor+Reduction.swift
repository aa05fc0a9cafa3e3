extension Tensor {
  /// The sum over `axes` (negative axes count from the end); the reduced dimensions are kept with size 1
  /// when `keepingDims` is true.
  public func sum(alongAxes axes: [Int], keepingDims: Bool = false) -> Tensor {
    let x = self
    let reduced = checked { () throws(ShapeError) in try normalizedAxes(axes, op: "sum") }
    var keptShape = shape
    for a in reduced { keptShape[a] = 1 }
    let outShape =
      keepingDims ? keptShape : shape.enumerated().filter { !reduced.contains($0.offset) }.map { $0.element }
    let y = sumKeepingDims(reduced).reshapedStorage(outShape)
    return y.recorded("SumBackward", x, { g in g.reshaped(to: keptShape).expanded(to: x.shape) })
  }

  /// The sum along one axis.
  public func sum(alongAxis axis: Int, keepingDims: Bool = false) -> Tensor {
    sum(alongAxes: [axis], keepingDims: keepingDims)
  }

  /// The sum of all elements, as a 0-d tensor.
  public func sum() -> Tensor {
    sum(alongAxes: Array(0..<rank))
  }

  /// The mean over `axes`.
  public func mean(alongAxes axes: [Int], keepingDims: Bool = false) -> Tensor {
    let reduced = checked { () throws(ShapeError) in try normalizedAxes(axes, op: "mean") }
    let n = reduced.reduce(1) { $0 * shape[$1] }
    return sum(alongAxes: reduced, keepingDims: keepingDims) / Scalar(n)
  }

  /// The mean along one axis.
  public func mean(alongAxis axis: Int, keepingDims: Bool = false) -> Tensor {
    mean(alongAxes: [axis], keepingDims: keepingDims)
  }

  /// The mean of all elements, as a 0-d tensor.
  public func mean() -> Tensor {
    mean(alongAxes: Array(0..<rank))
  }

  /// The variance over `axes`: Σ(x − mean)² / (n − correction). `correction` 1 (the default, as in
  /// PyTorch) gives the unbiased estimate, 0 the population variance.
  public func variance(alongAxes axes: [Int], keepingDims: Bool = false, correction: Int = 1) -> Tensor {
    let reduced = checked { () throws(ShapeError) in try normalizedAxes(axes, op: "variance") }
    let n = reduced.reduce(1) { $0 * shape[$1] }
    let centered = self - mean(alongAxes: reduced, keepingDims: true)
    return centered.squared().sum(alongAxes: reduced, keepingDims: keepingDims) / Scalar(Swift.max(n - correction, 0))
  }

  /// Mean and population variance over `axes` (what batch normalization normalizes with), keeping
  /// the reduced dimensions so both broadcast against the input.
  public func moments(alongAxes axes: [Int]) -> (mean: Tensor, variance: Tensor) {
    let m = mean(alongAxes: axes, keepingDims: true)
    let v = (self - m).squared().mean(alongAxes: axes, keepingDims: true)
    return (m, v)
  }

  /// Sums this tensor down to `target`, a shape it was broadcast from (the pullback of broadcasting).
  public func sumToShape(_ target: [Int]) -> Tensor {
    if shape == target { return self }
    let lead = rank - target.count
    precondition(lead >= 0, "sumToShape: cannot reduce shape \(shape) to the larger rank of \(target)")
    var axes = Array(0..<lead)
    for d in lead..<rank where target[d - lead] == 1 && shape[d] != 1 { axes.append(d) }
    return sum(alongAxes: axes, keepingDims: true).reshaped(to: target)
  }

  /// Sorted, distinct, non-negative axes.
  func normalizedAxes(_ axes: [Int], op: String) throws(ShapeError) -> [Int] {
    var result: [Int] = []
    result.reserveCapacity(axes.count)
    for a in axes { result.append(try normalizeAxis(a, rank: rank, op: op)) }
    result.sort()
    // Duplicates are adjacent once sorted (no Set: a reduction runs this on every call).
    var distinct = 0
    for i in result.indices where distinct == 0 || result[distinct - 1] != result[i] {
      result[distinct] = result[i]
      distinct += 1
    }
    result.removeLast(result.count - distinct)
    return result
  }

  /// The untracked sum over sorted axes with the dimensions kept. Runs of adjacent axes are reduced in one
  /// pass each, last run first.
  private func sumKeepingDims(_ axes: [Int]) -> Tensor {
    var runs: [Range<Int>] = []
    for a in axes {
      if let last = runs.last, last.upperBound == a {
        runs[runs.count - 1] = last.lowerBound..<(a + 1)
      } else {
        runs.append(a..<(a + 1))
      }
    }
    var current = self.detached()
    for run in runs.reversed() {
      let s = current.shape
      let outer = s[..<run.lowerBound].reduce(1, *)
      let count = s[run].reduce(1, *)
      let inner = s[run.upperBound...].reduce(1, *)
      var outShape = s
      for d in run { outShape[d] = 1 }
      let source = current
      current = Tensor(shape: outShape) { out in
        source.scalars.withUnsafeBufferPointer { x in
          Scalar._sum(x, outer: outer, count: count, inner: inner, out)
        }
      }
    }
    return current
  }
}
