/// The affine map of a linear layer, `x · weightᵀ + bias` (PyTorch's `F.linear`, its `addmm`).
///
/// For a batch of rows (`x` of rank 2) the bias is written into the output first and the product is
/// accumulated onto it by BLAS (β = 1), so the layer costs one pass over its output instead of two.
///
/// - Parameters:
///   - x: [N, in] (or any rank ≥ 2, through `matmul` with broadcasting).
///   - weight: [out, in].
///   - bias: [out], or nil.
/// - Returns: [N, out].
public func linear<S>(_ x: Tensor<S>, weight: Tensor<S>, bias: Tensor<S>?) -> Tensor<S> {
  guard let bias, x.rank == 2, weight.rank == 2, x.shape[1] == weight.shape[1], bias.shape == [weight.shape[0]]
  else {
    let y = matmul(x, weight, transposeB: true)
    return bias.map { y + $0 } ?? y
  }
  let (n, k, out) = (x.shape[0], x.shape[1], weight.shape[0])
  FlopCount.addProduct(m: n, n: out, k: k)
  let y = Tensor<S>(shape: [n, out]) { c in
    guard n > 0, out > 0 else { return }
    bias.scalars.withUnsafeBufferPointer { b in
      x.scalars.withUnsafeBufferPointer { a in
        weight.scalars.withUnsafeBufferPointer { w in
          let (cBase, bBase) = (c.baseAddress!, b.baseAddress!)
          BLASProducts.gemm(
            transA: false, transB: true, m: n, n: out, k: k, a: a.baseAddress!, lda: k, b: w.baseAddress!, ldb: k,
            c: cBase, ldc: out
          ) { rows, columns, a, w, c in
            // Each block of C gets its bias just before its product, on the thread that computes it.
            let firstColumn = (c - cBase) % out
            for row in 0..<rows { (c + row * out).initialize(from: bBase + firstColumn, count: columns) }
            guard k > 0 else { return }
            S._gemmOneThread(
              transA: false, transB: true, m: rows, n: columns, k: k, alpha: 1, a: a, lda: k, b: w, ldb: k, beta: 1,
              c: c, ldc: out)
          }
        }
      }
    }
  }
  return y.recorded("AddmmBackward", [x, weight, bias]) {
    [
      { g in matmul(g, weight) },
      { g in matmul(g, x, transposeA: true) },
      { g in g.sum(alongAxes: [0]) },
    ]
  }
}
