import Foundation
import GraftData
import GraftEngine
import GraftEval
import GraftGAN
import GraftIO
import GraftRun

/// The `inception` entry of eval.json: a run's samples against its data set's test images in
/// pytorch-fid's Inception features, as papers report them.
///
/// `count` samples (drawn with the evaluation seed, as the other image metrics are) and the first
/// `count` test images (their features cached: `referenceFeatures`), both from [−1, 1] to [0, 1]; FID between their pool features, KID and
/// precision/recall in them (the existing code), and the Inception Score of the samples'
/// `logits_unbiased` (torch-fidelity's, 10 splits, or fewer below 10 samples).
func inceptionMetrics(of trainer: Trainer, weights: URL, count: Int) throws -> InceptionMetrics {
  let network = try FIDInceptionV3(weightsAt: weights)
  Runtime.takeEveryBlockFromTheHeap()
  let fake = try network.features(of: trainer.evaluationSamples(count) * 0.5 + 0.5)
  let (referencePool, cached) = try referenceFeatures(trainer.config, network: network, weights: weights, count: count)
  let fid = try frechetDistance(FeatureStatistics(features: referencePool), FeatureStatistics(features: fake.pool))
  let kid = try kernelInceptionDistance(
    real: referencePool, fake: fake.pool, subsetSize: min(1000, referencePool.shape[0], fake.pool.shape[0]))
  let pr = try precisionRecall(real: referencePool, fake: fake.pool)
  let score = try inceptionScore(logits: network.unbiasedLogits(fake.logits), splits: min(10, count))
  return InceptionMetrics(
    fid: fid, kid: kid.mean, kidStd: kid.std, precision: pr.precision, recall: pr.recall,
    inceptionScore: score.mean, inceptionScoreStd: score.std, inceptionScoreSplits: score.splits,
    sampleCount: fake.pool.shape[0], referenceCount: referencePool.shape[0], weights: weights.path,
    referenceFeatures: cached.path)
}

/// The pool features of the first `count` test images of the run's data set, computed once per data set,
/// count and weights file and kept in the cache directory (`InceptionWeights.cacheDirectory()`) as
/// `inception-reference-DATASET-COUNT-WEIGHTS.npy`, with their statistics beside it as pytorch-fid's
/// `.npz` (for `graft fid` or pytorch-fid itself). WEIGHTS is the start of the weights file's SHA-256, so
/// other weights never reuse them. Returns the features and the features file.
private func referenceFeatures(
  _ config: TrainingConfig, network: FIDInceptionV3, weights: URL, count: Int
) throws -> (Tensor<Float>, URL) {
  let digest = SHA256()
  do {
    let bytes = try Data(contentsOf: weights, options: .mappedIfSafe)
    bytes.withUnsafeBytes { digest.update($0) }
  } catch {
    throw GraftIOError.unreadable(file: weights.path, reason: GraftIOError.readFailure(weights, error))
  }
  let name = "inception-reference-\(config.dataset.rawValue)-\(count)-\(digest.hexDigest().prefix(12))"
  let cache = InceptionWeights.cacheDirectory()
  let featuresFile = cache.appendingPathComponent(name + ".npy")
  if let cached = try? NPY.read(featuresFile, as: Float.self), cached.shape.first == count,
    cached.shape.dropFirst() == [FIDInceptionV3.featureCount]
  {
    return (cached, featuresFile)
  }
  let real: Tensor<Float>
  switch config.dataset {
  case .fashionMNIST:
    real = try FashionMNIST(
      split: .test, directory: config.dataDirectory ?? FashionMNIST.defaultDirectory, limit: count,
      imageSize: config.imageSize
    ).images
  case .cifar10:
    guard let directory = config.dataDirectory else {
      throw TrainingError(message: "the run's config.json has no data directory for CIFAR-10's test images")
    }
    real = try CIFAR10(split: .test, directory: directory, limit: count).images
  default:
    throw TrainingError(
      message:
        "--inception-weights measures image runs (fashion-mnist, cifar10); this run's data set is \(config.dataset.rawValue)"
    )
  }
  let pool = try network.features(of: real * 0.5 + 0.5).pool
  try FileManager.default.createDirectory(at: cache, withIntermediateDirectories: true)
  try NPY.write(pool, to: featuresFile)
  try FeatureStatistics(features: pool).write(npzTo: cache.appendingPathComponent(name + ".npz"))
  return (pool, featuresFile)
}
