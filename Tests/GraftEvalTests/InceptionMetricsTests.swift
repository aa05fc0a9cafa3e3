import Foundation
import GraftEngine
import GraftEval
import GraftIO
import GraftTestSupport
import Testing

/// A fixture written by Scripts/make_metric_fixtures.py (under Fixtures/metrics).
private func metricFixture(_ name: String) throws -> URL {
  try fixtureURL("metrics/" + name, in: .module, writtenBy: "Scripts/make_metric_fixtures.py")
}

/// pytorch-fid's and torch-fidelity's values (expected.json).
private struct ExpectedMetrics: Decodable {
  let fid: Double
  let is_mean: Double
  let is_std: Double
  let is_unshuffled_mean: Double
  let is_unshuffled_std: Double
  let permutation_2020_103: [Int]

  static func load() throws -> ExpectedMetrics {
    try JSONDecoder().decode(ExpectedMetrics.self, from: Data(contentsOf: try metricFixture("expected.json")))
  }
}

@Suite("FID against pytorch-fid, the Inception Score against torch-fidelity, .npz statistics files")
struct InceptionMetricsTests {
  @Test func permutationIsNumPysLegacyOne() throws {
    let expected = try ExpectedMetrics.load()
    #expect(NumPyLegacyPermutation.permutation(103, seed: 2020) == expected.permutation_2020_103)
  }

  @Test func inceptionScoreIsTorchFidelitys() throws {
    let expected = try ExpectedMetrics.load()
    let logits = try NPY.read(try metricFixture("logits.npy"), as: Float.self)
    let shuffled = try inceptionScore(logits: logits)
    #expect(abs(shuffled.mean - expected.is_mean) < 1e-9 * expected.is_mean)
    #expect(abs(shuffled.std - expected.is_std) < 1e-9)
    #expect(shuffled.splits == 10)
    let plain = try inceptionScore(logits: logits, shuffleSeed: nil)
    #expect(abs(plain.mean - expected.is_unshuffled_mean) < 1e-9 * expected.is_unshuffled_mean)
    #expect(abs(plain.std - expected.is_unshuffled_std) < 1e-9)
    // The shuffle matters here (uneven splits of distinct rows), so matching both checks the order.
    #expect(abs(shuffled.std - plain.std) > 1e-3)
  }

  @Test func inceptionScoreBounds() throws {
    // One class for every image: p(y|x) = p(y), so the score is 1; each image its own class out of C:
    // the score is C.
    let same = Tensor<Float>(shape: [10, 4], scalars: (0..<40).map { $0 % 4 == 0 ? 30 : 0 })
    #expect(abs(try inceptionScore(logits: same, splits: 1).mean - 1) < 1e-9)
    let distinct = Tensor<Float>(shape: [4, 4], scalars: (0..<16).map { $0 % 5 == 0 ? 60 : 0 })
    #expect(abs(try inceptionScore(logits: distinct, splits: 1, shuffleSeed: nil).mean - 4) < 1e-9)
    #expect(throws: EvalError.self) { try inceptionScore(logits: same, splits: 11) }
  }

  @Test func fidFromPytorchFIDStatisticsMatchesItsDistance() throws {
    let expected = try ExpectedMetrics.load()
    let theirs = try FeatureStatistics(contentsOf: try metricFixture("stats_a.npz"))
    let ours = try FeatureStatistics(contentsOf: try metricFixture("features_a.npy"))
    let b = try FeatureStatistics(contentsOf: try metricFixture("features_b.npy"))
    #expect(theirs.dimension == 64)
    #expect(relativeError(ours.mean, theirs.mean) < 1e-12)
    #expect(relativeError(ours.covariance, theirs.covariance) < 1e-9)
    #expect(abs(try frechetDistance(theirs, b) - expected.fid) < 1e-3)
    #expect(abs(try frechetDistance(ours, b) - expected.fid) < 1e-3)
    #expect(expected.fid > 1, "the sets should be far apart, or the check is weak")
  }

  @Test func statisticsRoundTripThroughNPZ() throws {
    try withTemporaryDirectory { dir in
      let stats = try FeatureStatistics(contentsOf: try metricFixture("features_b.npy"))
      let url = dir.appendingPathComponent("b.npz")
      try stats.write(npzTo: url)
      let back = try FeatureStatistics(contentsOf: url)
      #expect(back.mean == stats.mean)
      #expect(back.covariance == stats.covariance)
      let arrays = try NPZ.read(url, as: Double.self)
      #expect(Set(arrays.keys) == ["mu", "sigma"])

      let wrong = dir.appendingPathComponent("wrong.npz")
      try NPZ.write([(name: "mean", tensor: Tensor<Double>([1, 2]))], to: wrong)
      let error = try #require(throws: EvalError.self) { try FeatureStatistics(contentsOf: wrong) }
      #expect(error.description.contains("'mu' and 'sigma'"))
      let notZip = dir.appendingPathComponent("text.npz")
      try Data("hello".utf8).write(to: notZip)
      let ioError = try #require(throws: GraftIOError.self) { try FeatureStatistics(contentsOf: notZip) }
      #expect(ioError.description.contains(notZip.path) && !ioError.description.contains("\n"))
    }
  }
}
