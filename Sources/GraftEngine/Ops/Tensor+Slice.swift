extension Tensor {
  /// The elements whose index along `axis` lies in `range` (PyTorch's `narrow` / `x[:, a:b]`).
  public func sliced(alongAxis axis: Int, _ range: Range<Int>) -> Tensor {
    let x = self
    let a = checked { () throws(ShapeError) in try normalizeAxis(axis, rank: rank, op: "slice") }
    guard range.lowerBound >= 0, range.upperBound <= shape[a] else {
      fail(ShapeError(op: "slice", "range \(range) is out of bounds for dimension \(a) of shape \(shape)"))
    }
    let strides = contiguousStrides(shape)
    var outShape = shape
    outShape[a] = range.count
    let y = gathering(StridedLayout(offset: range.lowerBound * strides[a], strides: strides), shape: outShape)
    return y.recorded(
      "SliceBackward", x, { g in g.embedded(inShape: x.shape, alongAxis: a, at: range.lowerBound) })
  }

  /// The rows `range` along the first axis.
  public subscript(range: Range<Int>) -> Tensor {
    sliced(alongAxis: 0, range)
  }

  /// The adjoint of slicing: this tensor placed at offset `start` along `axis` in zeros of `fullShape`.
  func embedded(inShape fullShape: [Int], alongAxis axis: Int, at start: Int) -> Tensor {
    let g = self
    let strides = contiguousStrides(fullShape)
    var scalarsOut = Scalar._filled(0, count: fullShape.reduce(1, *))
    scalars.withUnsafeBufferPointer { src in
      scalarsOut.withUnsafeMutableBufferPointer { dst in
        Scalar._copy(
          src, StridedLayout(strides: contiguousStrides(shape)), dst,
          StridedLayout(offset: start * strides[axis], strides: strides), shape: shape)
      }
    }
    let range = start..<(start + shape[axis])
    return Tensor(shape: fullShape, scalars: scalarsOut).recorded(
      "EmbedBackward", g, { up in up.sliced(alongAxis: axis, range) })
  }

  /// Joins tensors along `axis`; all other dimensions must agree.
  public static func concatenated(_ tensors: [Tensor], alongAxis axis: Int = 0) -> Tensor {
    precondition(!tensors.isEmpty, "concatenate: no tensors given")
    let first = tensors[0]
    let a = checked { () throws(ShapeError) in try normalizeAxis(axis, rank: first.rank, op: "concatenate") }
    for t in tensors
    where t.rank != first.rank || (0..<first.rank).contains(where: { $0 != a && t.shape[$0] != first.shape[$0] }) {
      fail(ShapeError(op: "concatenate", "shapes \(first.shape) and \(t.shape) differ outside axis \(a)"))
    }
    var outShape = first.shape
    outShape[a] = tensors.reduce(0) { $0 + $1.shape[a] }
    let strides = contiguousStrides(outShape)
    var scalarsOut = Scalar._filled(0, count: outShape.reduce(1, *))
    var starts: [Int] = []
    var start = 0
    scalarsOut.withUnsafeMutableBufferPointer { dst in
      for t in tensors {
        starts.append(start)
        t.scalars.withUnsafeBufferPointer { src in
          Scalar._copy(
            src, StridedLayout(strides: contiguousStrides(t.shape)), dst,
            StridedLayout(offset: start * strides[a], strides: strides), shape: t.shape)
        }
        start += t.shape[a]
      }
    }
    return Tensor(shape: outShape, scalars: scalarsOut).recorded("CatBackward", tensors) {
      zip(tensors, starts).map { t, s in { g in g.sliced(alongAxis: a, s..<(s + t.shape[a])) } }
    }
  }
}
