import Foundation
import GraftData
import GraftEngine
import GraftEval
import GraftRun
import Testing

/// The first 2000 test and training images of Fashion-MNIST at 32×32, or nil when the data set is not
/// installed (loaded once for all the tests below).
enum FashionData {
  static let available =
    FashionMNIST.isAvailable(split: .test) && FashionMNIST.isAvailable(split: .train)
  static let test: FashionMNIST? = try? FashionMNIST(split: .test, limit: 2000, imageSize: 32)
  static let train: FashionMNIST? = try? FashionMNIST(split: .train, limit: 2000, imageSize: 32)
}

@Suite(
  "The committed Fashion-MNIST classifier, its FID and class coverage",
  .enabled(
    if: FashionData.available,
    "Fashion-MNIST is not installed: apt-get install dataset-fashion-mnist (files under /usr/share/datasets/fashion-mnist)"
  ))
struct PretrainedClassifierTests {
  let test = FashionData.test!
  let train = FashionData.train!

  /// Images with N(0, std²) noise added, clamped to [−1, 1].
  func noisy(_ images: Tensor<Float>, std: Float, seed: UInt64) -> Tensor<Float> {
    var rng = RandomGenerator(seed: seed)
    return (images + Tensor(randomNormal: images.shape, standardDeviation: std, generator: &rng)).clamped(
      min: -1, max: 1)
  }

  /// The images of `images` whose label is `label`.
  func images(of label: Int, in data: FashionMNIST) -> Tensor<Float> {
    let rows = data.labels.indices.filter { data.labels[$0] == label }
    return Tensor.concatenated(rows.map { data.images[$0..<($0 + 1)] }, alongAxis: 0)
  }

  @Test func accuracyOnTheFirstTestImages() throws {
    let classifier = try FashionClassifier.pretrained()
    let accuracy = try classifier.accuracy(images: test.images, labels: test.labels)
    #expect(accuracy >= 0.88, "accuracy \(accuracy) on the first 2000 test images")
    // The size budget of the committed weights.
    let size =
      try FileManager.default.attributesOfItem(atPath: FashionClassifier.pretrainedURL.path)[.size] as? Int ?? 0
    #expect(size > 0 && size < 2_000_000, "weights file of \(size) bytes")
    let recorded = try #require(try FashionClassifier.pretrainedRecordedAccuracy())
    #expect(recorded >= 0.90, "recorded full test-set accuracy \(recorded)")
  }

  @Test func fidOfRealImagesAndItsGrowthWithNoise() throws {
    let classifier = try FashionClassifier.pretrained()
    let a = test.images[0..<1000]
    let b = test.images[1000..<2000]
    let same = try fid(real: a, fake: a, classifier: classifier)
    #expect(same < 1e-6, "FID(test[0..<1000], itself) = \(same)")
    // Two disjoint sets of real images: small, the floor set by 1000-sample estimates.
    let halves = try fid(real: train.images[0..<1000], fake: train.images[1000..<2000], classifier: classifier)
    let testVsTest = try fid(real: a, fake: b, classifier: classifier)
    // Noise added to real images pushes the distance up, monotonically in the noise's size.
    let stds: [Float] = [0.1, 0.3, 0.6, 1.0]
    let noisyDistances = try stds.enumerated().map { i, std in
      try fid(real: a, fake: noisy(b, std: std, seed: UInt64(10 + i)), classifier: classifier)
    }
    let summary = "halves \(halves), test/test \(testVsTest), noise \(zip(stds, noisyDistances).map { "\($0): \($1)" })"
    #expect(halves < 0.5 * noisyDistances[0], "\(summary)")
    #expect(testVsTest < 0.5 * noisyDistances[0], "\(summary)")
    #expect(zip(noisyDistances, noisyDistances.dropFirst()).allSatisfy { $0 < $1 }, "\(summary)")
    #expect(noisyDistances[3] > 10 * halves, "\(summary)")
  }

  @Test func classCoverageOfRealAndSingleClassImages() throws {
    let classifier = try FashionClassifier.pretrained()
    let real = try ClassCoverage(images: test.images, classifier: classifier)
    #expect(real.classesCovered == 10 && real.classCount == 10 && real.sampleCount == 2000)
    #expect(real.klToUniform < 0.05, "\(real)")
    #expect(real.meanConfidence > 0.8, "\(real)")
    // Trousers only: one class, KL near log 10.
    let trousers = images(of: 1, in: test)
    let one = try ClassCoverage(images: trousers, classifier: classifier)
    #expect(one.classesCovered == 1, "\(one)")
    #expect(one.counts.firstIndex(of: one.counts.max()!) == 1)
    #expect(one.klToUniform > 0.9 * Foundation.log(10.0), "\(one)")
  }

  @Test func imageMetricsOfRealImagesAgainstAReferenceSet() throws {
    let classifier = try FashionClassifier.pretrained()
    let evaluator = try ImageEvaluator(
      classifier: classifier, images: test.images[0..<1000], labels: Array(test.labels[0..<1000]))
    #expect(
      evaluator.reference.count == 1000 && evaluator.reference.dimension == classifier.architecture.featureDimension)
    #expect(evaluator.classifierAccuracy >= 0.88)
    let metrics = try evaluator.evaluate(samples: train.images[0..<1000])
    let collapsed = try evaluator.evaluate(samples: images(of: 7, in: train))
    #expect(metrics.sampleCount == 1000 && metrics.referenceCount == 1000)
    #expect(metrics.classesCovered == 10 && collapsed.classesCovered <= 2, "\(metrics) / \(collapsed)")
    #expect(collapsed.fid > 5 * metrics.fid, "\(metrics.fid) vs collapsed \(collapsed.fid)")
    let direct = try fid(real: train.images[0..<1000], fake: test.images[0..<1000], classifier: classifier)
    #expect(abs(metrics.fid - direct) < 1e-6 * max(1, direct), "\(metrics.fid) vs \(direct)")
    // KID ≈ 0 and high precision/recall for real images, in both spaces; one class loses recall (coverage).
    for (name, real, oneClass) in [
      (
        "post-ReLU", [metrics.kid, metrics.precision, metrics.recall],
        [collapsed.kid, collapsed.precision, collapsed.recall]
      ),
      (
        "pre-ReLU", [metrics.kidPreReLU, metrics.precisionPreReLU, metrics.recallPreReLU],
        [collapsed.kidPreReLU, collapsed.precisionPreReLU, collapsed.recallPreReLU]
      ),
    ] {
      let (r, c) = (real.map { $0 ?? .nan }, oneClass.map { $0 ?? .nan })
      #expect(abs(r[0]) < 0.05 * c[0], "\(name): KID \(r[0]) vs one class \(c[0])")
      #expect(r[1] > 0.5 && r[2] > 0.5, "\(name): real precision \(r[1]), recall \(r[2])")
      #expect(c[2] < 0.5 * r[2], "\(name): one class's recall \(c[2]) vs real \(r[2])")
    }
    #expect(metrics.fidPreReLU.map { $0 > 0 } == true && collapsed.fidPreReLU! > 5 * metrics.fidPreReLU!)
    // eval.json round trip.
    let decoded = try JSONDecoder().decode(ImageMetrics.self, from: JSONEncoder().encode(metrics))
    #expect(decoded == metrics)
  }

  @Test func evaluatorAgainstTheTestSet() throws {
    let evaluator = try ImageEvaluator.fashionMNIST(limit: 1000)
    #expect(evaluator.reference.count == 1000)
    #expect(evaluator.classifierAccuracy >= 0.88)
    let metrics = try evaluator.evaluate(samples: test.images[1000..<1500], minimumClassShare: 0.02)
    #expect(metrics.sampleCount == 500 && metrics.classesCovered == 10 && metrics.minimumClassShare == 0.02)
    #expect(metrics.classCounts.reduce(0, +) == 500 && metrics.meanConfidence > 0.8)
    // The committed second classifier gives the third space; real images sit close to the reference in it.
    #expect(evaluator.second?.classifier.architecture.featureDimension == 96)
    let kid = metrics.kidSeed1 ?? .nan
    let (precision, recall) = (metrics.precisionSeed1 ?? .nan, metrics.recallSeed1 ?? .nan)
    #expect(metrics.fidSeed1.map { $0.isFinite } == true && kid < 0.05 && precision > 0.5 && recall > 0.5, "\(metrics)")
  }
}
