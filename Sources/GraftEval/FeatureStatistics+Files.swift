import Foundation
import GraftEngine
import GraftIO

extension FeatureStatistics {
  /// The statistics in the file at `url`: a pytorch-fid statistics file (`.npz` holding `mu` [F] and
  /// `sigma` [F, F], as `pytorch_fid --save-stats` writes it), or a features file (`.npy` [N, F], whose
  /// statistics are computed). An `.npz` does not record N, so `count` is 0 for it.
  ///
  /// Throws `GraftIOError` for a file that cannot be read, `EvalError.invalidStatisticsFile` for a
  /// missing `mu`/`sigma` or arrays of the wrong shape, `EvalError.badShape` for features not [N ≥ 2, F].
  public init(contentsOf url: URL) throws {
    if url.pathExtension.lowercased() == "npy" {
      try self.init(features: try NPY.read(url, as: Float.self))
      return
    }
    let arrays = try NPZ.read(url, as: Double.self)
    guard let mu = arrays["mu"], let sigma = arrays["sigma"] else {
      throw EvalError.invalidStatisticsFile(
        path: url.path,
        problem: "it holds the arrays \(arrays.keys.sorted()), not 'mu' and 'sigma' as pytorch-fid's statistics files "
          + "do; pass such a file, or a features .npy [N, F]")
    }
    guard mu.rank == 1, sigma.shape == [mu.count, mu.count] else {
      throw EvalError.invalidStatisticsFile(
        path: url.path, problem: "'mu' has shape \(mu.shape) and 'sigma' \(sigma.shape); they should be [F] and [F, F]")
    }
    self.init(mean: mu.scalars, covariance: sigma.scalars, count: 0)
  }

  /// Writes the statistics to `url` as pytorch-fid does (`np.savez(path, mu=, sigma=)`, float64).
  public func write(npzTo url: URL) throws {
    try NPZ.write(
      [
        (name: "mu", tensor: Tensor(shape: [dimension], scalars: mean)),
        (name: "sigma", tensor: Tensor(shape: [dimension, dimension], scalars: covariance)),
      ], to: url)
  }
}
