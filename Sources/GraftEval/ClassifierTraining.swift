import Foundation
import GraftData
import GraftEngine
import GraftLayers
import GraftOptimizers

/// How `trainClassifier` trains.
public struct ClassifierTrainingOptions: Sendable {
  public var architecture: FashionClassifier.Architecture
  public var epochs: Int
  public var batchSize: Int
  /// Adam's learning rate at the start; it decays along a cosine to `finalLearningRateFraction` of itself.
  public var learningRate: Double
  public var finalLearningRateFraction: Double
  /// Seeds the initial weights and the batch order.
  public var seed: UInt64
  /// Whether each epoch ends with the accuracy on the test set (the last epoch always measures it).
  public var testEveryEpoch: Bool

  public init(
    architecture: FashionClassifier.Architecture = .standard, epochs: Int = 4, batchSize: Int = 64,
    learningRate: Double = 2e-3, finalLearningRateFraction: Double = 0.05, seed: UInt64 = 0, testEveryEpoch: Bool = true
  ) {
    self.architecture = architecture
    self.epochs = epochs
    self.batchSize = batchSize
    self.learningRate = learningRate
    self.finalLearningRateFraction = finalLearningRateFraction
    self.seed = seed
    self.testEveryEpoch = testEveryEpoch
  }
}

/// What one epoch of `trainClassifier` did.
public struct ClassifierEpochRecord: Codable, Equatable, Sendable {
  /// 1-based.
  public var epoch: Int
  /// Mean cross-entropy over the epoch's batches.
  public var loss: Double
  /// Share of the epoch's training examples classified right (by the weights of the moment).
  public var trainAccuracy: Double
  /// Accuracy on the test set after the epoch, when measured.
  public var testAccuracy: Double?
  /// Seconds since training started.
  public var elapsedSeconds: Double
}

/// The outcome of `trainClassifier`.
public struct ClassifierTrainingReport: Codable, Equatable, Sendable {
  public var epochs: [ClassifierEpochRecord]
  /// Accuracy of the final weights on the test set.
  public var testAccuracy: Double
  /// Wall-clock seconds, evaluation included.
  public var seconds: Double
  public var trainCount: Int
  public var testCount: Int
}

/// Trains a `FashionClassifier` with Adam (cosine-decayed learning rate) on mini-batches of `trainImages`
/// [N, 1, 32, 32] / `trainLabels`, shuffled by a `BatchLoader` seeded from `options.seed`, and measures
/// it on the test images. `log` receives one line per epoch (loss, train and test accuracy, time).
public func trainClassifier(
  trainImages: Tensor<Float>, trainLabels: [Int], testImages: Tensor<Float>, testLabels: [Int],
  options: ClassifierTrainingOptions = ClassifierTrainingOptions(), log: (String) -> Void = { print($0) }
) throws -> (classifier: FashionClassifier, report: ClassifierTrainingReport) {
  precondition(options.epochs >= 1 && options.batchSize >= 1, "trainClassifier: epochs and batch size must be positive")
  var classifier = FashionClassifier(architecture: options.architecture, seed: options.seed)
  var seeds = RandomGenerator(seed: options.seed)
  _ = seeds.next()  // the model's generator used the seed itself; the loader gets a derived one
  var loader = BatchLoader(
    images: trainImages, labels: trainLabels, batchSize: options.batchSize, shuffle: true, dropLast: false,
    prefetch: true, generator: RandomGenerator(seed: seeds.next()))
  var optimizer = Adam(learningRate: options.learningRate)
  let stepsPerEpoch = loader.batchesPerEpoch
  let schedule = LearningRateSchedule(
    .cosine, totalSteps: stepsPerEpoch * options.epochs, finalFraction: options.finalLearningRateFraction)
  let start = Date()
  var records: [ClassifierEpochRecord] = []
  var finalTestAccuracy = 0.0
  log(
    "classifier: \(options.architecture) (\(classifier.parameterCount) parameters), \(trainLabels.count) training images, "
      + "\(options.epochs) epochs of \(stepsPerEpoch) batches of \(options.batchSize), adam lr \(options.learningRate) cosine"
  )
  for epoch in 1...options.epochs {
    var lossSum = 0.0
    var correct = 0
    var seen = 0
    for stepInEpoch in 0..<stepsPerEpoch {
      let batch = loader.next()
      let labels = batch.labels!
      let learningRate =
        options.learningRate * schedule.multiplier(atStep: (epoch - 1) * stepsPerEpoch + stepInEpoch)
      var batchLogits: Tensor<Float>?
      let (loss, gradients) = try withLearningPhase(training: true) {
        try classifier.valueWithGradient { model in
          let logits = model(batch.images)
          batchLogits = logits
          return softmaxCrossEntropy(logits: logits, labels: labels)
        }
      }
      let value = Double(loss.scalar)
      guard value.isFinite else {
        throw EvalError.nonFinite(what: "the classifier's training loss (epoch \(epoch), batch \(stepInEpoch + 1))")
      }
      optimizer.update(&classifier, along: gradients, learningRate: learningRate)
      lossSum += value * Double(labels.count)
      correct += zip(argmaxRows(batchLogits!.detached()), labels).filter { $0 == $1 }.count
      seen += labels.count
    }
    var testAccuracy: Double?
    if options.testEveryEpoch || epoch == options.epochs {
      testAccuracy = try classifier.accuracy(images: testImages, labels: testLabels)
      finalTestAccuracy = testAccuracy!
    }
    let record = ClassifierEpochRecord(
      epoch: epoch, loss: lossSum / Double(max(seen, 1)), trainAccuracy: Double(correct) / Double(max(seen, 1)),
      testAccuracy: testAccuracy, elapsedSeconds: Date().timeIntervalSince(start))
    records.append(record)
    log(
      String(
        format: "epoch %d/%d  loss %.4f  train acc %.4f  test acc %@  %.1fs", epoch, options.epochs, record.loss,
        record.trainAccuracy, testAccuracy.map { String(format: "%.4f", $0) } ?? "-", record.elapsedSeconds))
  }
  let report = ClassifierTrainingReport(
    epochs: records, testAccuracy: finalTestAccuracy, seconds: Date().timeIntervalSince(start),
    trainCount: trainLabels.count, testCount: testLabels.count)
  return (classifier, report)
}

/// Trains a `FashionClassifier` on Fashion-MNIST's training split read from `directory` (padded to
/// 32×32) and measures it on the test split; see `trainClassifier(trainImages:...)`.
/// `trainLimit` / `testLimit` use only the first examples (for quick checks).
public func trainClassifier(
  directory: String = FashionMNIST.defaultDirectory, options: ClassifierTrainingOptions = ClassifierTrainingOptions(),
  trainLimit: Int? = nil, testLimit: Int? = nil, log: (String) -> Void = { print($0) }
) throws -> (classifier: FashionClassifier, report: ClassifierTrainingReport) {
  let train = try FashionMNIST(
    split: .train, directory: directory, limit: trainLimit, imageSize: FashionClassifier.imageSize)
  let test = try FashionMNIST(
    split: .test, directory: directory, limit: testLimit, imageSize: FashionClassifier.imageSize)
  return try trainClassifier(
    trainImages: train.images, trainLabels: train.labels, testImages: test.images, testLabels: test.labels,
    options: options, log: log)
}
