/// The matrix product over the last two dimensions, with NumPy broadcasting of the leading (batch)
/// dimensions, through BLAS (PyTorch's `matmul` for inputs of rank ≥ 2).
///
/// `transposeA`/`transposeB` use the transpose of the last two dimensions of an operand without copying it.
public func matmul<S>(_ a: Tensor<S>, _ b: Tensor<S>, transposeA: Bool = false, transposeB: Bool = false) -> Tensor<S> {
  guard a.rank >= 2, b.rank >= 2 else {
    fail(
      ShapeError(
        op: "matmul", "needs tensors of rank ≥ 2, got \(a.shape) and \(b.shape); reshape vectors to [1, n] or [n, 1]"))
  }
  let (m, ka) = transposeA ? (a.shape[a.rank - 1], a.shape[a.rank - 2]) : (a.shape[a.rank - 2], a.shape[a.rank - 1])
  let (kb, _) = transposeB ? (b.shape[b.rank - 1], b.shape[b.rank - 2]) : (b.shape[b.rank - 2], b.shape[b.rank - 1])
  guard ka == kb else {
    fail(
      ShapeError(
        op: "matmul",
        "inner dimensions differ: \(a.shape)\(transposeA ? "ᵀ" : "") × \(b.shape)\(transposeB ? "ᵀ" : "") (\(ka) vs \(kb))"
      ))
  }
  let batchA = Array(a.shape.dropLast(2))
  let batchB = Array(b.shape.dropLast(2))
  if batchA == batchB { return batchedMatmul(a, b, transposeA, transposeB) }
  // A batch of matrices times one matrix is one tall product.
  if batchB.isEmpty && !transposeA {
    let flat = batchedMatmul(a.reshaped(to: [-1, ka]), b, false, transposeB)
    return flat.reshaped(to: batchA + [m, flat.shape[1]])
  }
  let batch = checked { () throws(ShapeError) in try broadcastShape(batchA, batchB, op: "matmul (batch dimensions)") }
  let fullA = a.expanded(to: batch + a.shape.suffix(2))
  let fullB = b.expanded(to: batch + b.shape.suffix(2))
  return batchedMatmul(fullA, fullB, transposeA, transposeB)
}

/// The differentiable primitive: matrix products of operands with identical batch dimensions. Its
/// pullbacks are products of the same kind with other transpose flags, so they differentiate again.
func batchedMatmul<S>(_ a: Tensor<S>, _ b: Tensor<S>, _ ta: Bool, _ tb: Bool) -> Tensor<S> {
  let r = a.rank
  let m = ta ? a.shape[r - 1] : a.shape[r - 2]
  let k = ta ? a.shape[r - 2] : a.shape[r - 1]
  let n = tb ? b.shape[r - 2] : b.shape[r - 1]
  let batch = Array(a.shape.dropLast(2))
  let batches = batch.reduce(1, *)
  FlopCount.addProduct(batches: batches, m: m, n: n, k: k)
  let lda = a.shape[r - 1]
  let ldb = b.shape[r - 1]
  let y = Tensor<S>(shape: batch + [m, n]) { out in
    a.scalars.withUnsafeBufferPointer { pa in
      b.scalars.withUnsafeBufferPointer { pb in
        if k == 0 {
          for i in 0..<out.count { out[i] = 0 }
          return
        }
        for i in 0..<batches {
          S._gemm(
            transA: ta, transB: tb, m: m, n: n, k: k, alpha: 1,
            a: pa.baseAddress! + i * m * k, lda: lda, b: pb.baseAddress! + i * k * n, ldb: ldb,
            beta: 0, c: out.baseAddress! + i * m * n, ldc: n)
        }
      }
    }
  }
  // C = op(A)·op(B): dA and dB for each combination of transposes.
  return y.recorded(
    "MmBackward", a,
    { g in
      switch (ta, tb) {
      case (false, false): batchedMatmul(g, b, false, true)
      case (false, true): batchedMatmul(g, b, false, false)
      case (true, false): batchedMatmul(b, g, false, true)
      case (true, true): batchedMatmul(b, g, true, true)
      }
    },
    b,
    { g in
      switch (ta, tb) {
      case (false, false): batchedMatmul(a, g, true, false)
      case (false, true): batchedMatmul(g, a, true, false)
      case (true, false): batchedMatmul(a, g, false, false)
      case (true, true): batchedMatmul(g, a, true, true)
      }
    })
}

extension Tensor {
  /// The matrix product `self · other` (see the free function `matmul`).
  public func matmul(_ other: Tensor) -> Tensor {
    GraftEngine.matmul(self, other)
  }
}
