import COpenBLAS

/// The eigendecomposition A = V·diag(w)·Vᵀ of a real symmetric matrix, by LAPACK's divide-and-conquer
/// `dsyevd` in double precision.
public struct SymmetricEigen: Sendable {
  /// The matrix side n.
  public let size: Int
  /// The n eigenvalues, in ascending order.
  public let values: [Double]
  /// V, n×n row-major: column j (`vector(j)`) is the unit eigenvector of `values[j]`; V is orthogonal.
  public let vectors: [Double]

  /// Decomposes the symmetric n×n matrix `matrix` (row-major; only its lower triangle in row-major
  /// terms, i.e. the upper triangle as LAPACK sees it, is read, so rounding asymmetry does not matter).
  ///
  /// Throws `EvalError.badShape` when `matrix` does not hold n² values, `.nonFinite` for NaN or infinite
  /// entries, and `.lapackFailure` when LAPACK does not converge.
  public init(_ matrix: [Double], size n: Int) throws(EvalError) {
    guard n >= 0, matrix.count == n * n else {
      throw .badShape(what: "the symmetric matrix", shape: [matrix.count], expected: "\(n)×\(n) = \(n * n) values")
    }
    guard matrix.allSatisfy(\.isFinite) else { throw .nonFinite(what: "the symmetric matrix") }
    size = n
    if n == 0 {
      values = []
      vectors = []
      return
    }
    // Row-major A is column-major Aᵀ = A; LAPACK returns the eigenvectors as the columns of its
    // column-major result, i.e. as the rows of our row-major buffer, so transpose at the end.
    var a = matrix
    var w = [Double](repeating: 0, count: n)
    var jobz = CChar(UInt8(ascii: "V"))
    var uplo = CChar(UInt8(ascii: "U"))
    var order = Int32(n)
    var lda = Int32(n)
    var info: Int32 = 0
    // Workspace query.
    var lwork: Int32 = -1
    var liwork: Int32 = -1
    var workSize: Double = 0
    var iworkSize: Int32 = 0
    dsyevd_(&jobz, &uplo, &order, &a, &lda, &w, &workSize, &lwork, &iworkSize, &liwork, &info)
    guard info == 0 else { throw .lapackFailure(routine: "dsyevd (workspace query)", info: Int(info)) }
    lwork = Int32(workSize.rounded(.up))
    liwork = max(iworkSize, 1)
    var work = [Double](repeating: 0, count: Int(lwork))
    var iwork = [Int32](repeating: 0, count: Int(liwork))
    dsyevd_(&jobz, &uplo, &order, &a, &lda, &w, &work, &lwork, &iwork, &liwork, &info)
    guard info == 0 else { throw .lapackFailure(routine: "dsyevd", info: Int(info)) }
    var v = [Double](repeating: 0, count: n * n)
    for j in 0..<n {
      for i in 0..<n { v[i * n + j] = a[j * n + i] }
    }
    values = w
    vectors = v
  }

  /// The unit eigenvector of `values[j]`.
  public func vector(_ j: Int) -> [Double] {
    (0..<size).map { vectors[$0 * size + j] }
  }

  /// V·diag(f(w))·Vᵀ, n×n row-major: the matrix function f(A) (A itself for the identity, A^{1/2} for
  /// a clamped square root).
  public func reconstructed(mapping f: (Double) -> Double = { $0 }) -> [Double] {
    let n = size
    guard n > 0 else { return [] }
    // Scaled = V·diag(f(w)); result = Scaled·Vᵀ.
    var scaled = vectors
    let fw = values.map(f)
    for i in 0..<n {
      for j in 0..<n { scaled[i * n + j] *= fw[j] }
    }
    var out = [Double](repeating: 0, count: n * n)
    cblas_dgemm(
      CblasRowMajor, CblasNoTrans, CblasTrans, Int32(n), Int32(n), Int32(n), 1, scaled, Int32(n), vectors, Int32(n), 0,
      &out, Int32(n))
    // Symmetrize away rounding.
    for i in 0..<n {
      for j in (i + 1)..<n {
        let m = 0.5 * (out[i * n + j] + out[j * n + i])
        out[i * n + j] = m
        out[j * n + i] = m
      }
    }
    return out
  }
}
