import Foundation
import GraftData
import GraftEngine
import GraftEval
import GraftGAN
import GraftRun

/// The `inception` entry of eval.json: a run's samples against its data set's test images in
/// pytorch-fid's Inception features, as papers report them.
///
/// `count` samples (drawn with the evaluation seed, as the other image metrics are) and the first
/// `count` test images, both from [−1, 1] to [0, 1]; FID between their pool features, KID and
/// precision/recall in them (the existing code), and the Inception Score of the samples'
/// `logits_unbiased` (torch-fidelity's, 10 splits, or fewer below 10 samples).
func inceptionMetrics(of trainer: Trainer, weights: URL, count: Int) throws -> [String: Any] {
  let config = trainer.config
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
  let network = try FIDInceptionV3(weightsAt: weights)
  let fake = try network.features(of: trainer.evaluationSamples(count) * 0.5 + 0.5)
  let reference = try network.features(of: real * 0.5 + 0.5)
  let fid = try frechetDistance(FeatureStatistics(features: reference.pool), FeatureStatistics(features: fake.pool))
  let kid = try kernelInceptionDistance(
    real: reference.pool, fake: fake.pool, subsetSize: min(1000, reference.pool.shape[0], fake.pool.shape[0]))
  let pr = try precisionRecall(real: reference.pool, fake: fake.pool)
  let score = try inceptionScore(logits: network.unbiasedLogits(fake.logits), splits: min(10, count))
  return [
    "fid": fid, "kid": kid.mean, "kidStd": kid.std, "precision": pr.precision, "recall": pr.recall,
    "inceptionScore": score.mean, "inceptionScoreStd": score.std, "inceptionScoreSplits": score.splits,
    "sampleCount": fake.pool.shape[0], "referenceCount": reference.pool.shape[0], "weights": weights.path,
  ]
}
