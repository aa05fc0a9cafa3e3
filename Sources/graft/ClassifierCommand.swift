import ArgumentParser
import Foundation
import GraftData
import GraftEngine
import GraftEval
import GraftLayers

/// `graft classifier train|test`: the Fashion-MNIST classifier whose features the image metrics use.
struct ClassifierCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "classifier",
    abstract: "Train or test the Fashion-MNIST classifier behind the image metrics (FID features, class coverage).",
    subcommands: [Train.self, Test.self])

  /// `graft classifier train`.
  struct Train: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Train the classifier on Fashion-MNIST (32×32) and save its weights (float32 safetensors).")

    @Option(help: "Epochs over the 60 000 training images.") var epochs: Int = 4
    @Option(help: "Seed of the initial weights and the batch order.") var seed: UInt64 = 0
    @Option(help: "Where to write the weights (run from the repository root to update the committed file).")
    var out: String = "Sources/GraftEval/Resources/fashion-classifier.safetensors"
    @Option(help: "The directory with Fashion-MNIST's IDX files.") var dataDir: String = FashionMNIST.defaultDirectory
    @Option(help: "Mini-batch size.") var batchSize: Int = 64
    @Option(help: "Adam's initial learning rate (cosine decay to 5% of it).") var learningRate: Double = 2e-3
    @Option(help: "Output channels of the convolution stages, comma-separated (each stage halves the side).")
    var channels: String = FashionClassifier.Architecture.standard.convChannels.map(String.init).joined(separator: ",")
    @Option(help: "The penultimate feature dimension (FID's feature space).")
    var features: Int = FashionClassifier.Architecture.standard.featureDimension
    @Option(help: "Pooling of each stage: max or avg.") var pooling: String = FashionClassifier.Architecture.standard
      .pooling.rawValue
    @Option(help: "Use only the first N training images (quick checks).") var trainLimit: Int?
    @Option(help: "Use only the first N test images.") var testLimit: Int?
    @Flag(help: "Measure test accuracy only after the last epoch.") var testAtEndOnly = false

    func parsedArchitecture() throws -> FashionClassifier.Architecture {
      let parts = channels.split(separator: ",").map { Int($0.trimmingCharacters(in: .whitespaces)) }
      guard (1...5).contains(parts.count), parts.allSatisfy({ ($0 ?? 0) > 0 }) else {
        throw ValidationError("--channels takes 1 to 5 comma-separated positive integers, got '\(channels)'")
      }
      guard features > 0 else { throw ValidationError("--features must be positive, got \(features)") }
      guard let pool = FashionClassifier.Architecture.Pooling(rawValue: pooling) else {
        throw ValidationError("--pooling is max or avg, got '\(pooling)'")
      }
      return FashionClassifier.Architecture(convChannels: parts.map { $0! }, featureDimension: features, pooling: pool)
    }

    func validate() throws {
      guard epochs > 0 else { throw ValidationError("--epochs must be positive, got \(epochs)") }
      guard batchSize > 0 else { throw ValidationError("--batch-size must be positive, got \(batchSize)") }
      guard learningRate > 0 else { throw ValidationError("--learning-rate must be positive, got \(learningRate)") }
      _ = try parsedArchitecture()
    }

    func run() throws {
      let options = ClassifierTrainingOptions(
        architecture: try parsedArchitecture(), epochs: epochs, batchSize: batchSize, learningRate: learningRate,
        seed: seed, testEveryEpoch: !testAtEndOnly)
      let (classifier, report) = try trainClassifier(
        directory: dataDir, options: options, trainLimit: trainLimit, testLimit: testLimit
      ) { line in
        print(line)
        fflush(nil)
      }
      let url = URL(fileURLWithPath: out)
      try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
      try classifier.save(
        to: url,
        metadata: [
          FashionClassifier.testAccuracyKey: String(format: "%.4f", report.testAccuracy),
          "graft.classifier.test_count": String(report.testCount),
          "graft.classifier.train_count": String(report.trainCount),
          "graft.classifier.epochs": String(epochs),
          "graft.classifier.seed": String(seed),
          "graft.classifier.batch_size": String(batchSize),
          "graft.classifier.learning_rate": String(learningRate),
          "graft.classifier.train_seconds": String(format: "%.1f", report.seconds),
        ])
      let size = (try? FileManager.default.attributesOfItem(atPath: url.path)[.size] as? Int) ?? 0
      print(
        String(
          format: "graft: test accuracy %.4f on %d images after %.1fs; wrote %@ (%d parameters, %d bytes)",
          report.testAccuracy, report.testCount, report.seconds, url.path, classifier.parameterCount, size))
    }
  }

  /// `graft classifier test`.
  struct Test: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Accuracy of the classifier's weights (the committed ones by default) on the Fashion-MNIST test set.")

    @Option(help: "A weights file instead of the committed one.") var weights: String?
    @Option(help: "The directory with Fashion-MNIST's IDX files.") var dataDir: String = FashionMNIST.defaultDirectory
    @Option(help: "Use only the first N test images.") var limit: Int?

    func run() throws {
      let url = weights.map { URL(fileURLWithPath: $0) } ?? FashionClassifier.pretrainedURL
      let (classifier, metadata) = try FashionClassifier.loadWithMetadata(from: url)
      let test = try FashionMNIST(
        split: .test, directory: dataDir, limit: limit, imageSize: FashionClassifier.imageSize)
      let start = Date()
      let predictions = try classifier.predictions(test.images)
      var correct = [Int](repeating: 0, count: FashionClassifier.classCount)
      var total = [Int](repeating: 0, count: FashionClassifier.classCount)
      for (p, label) in zip(predictions, test.labels) {
        total[label] += 1
        if p == label { correct[label] += 1 }
      }
      let accuracy = Double(correct.reduce(0, +)) / Double(max(test.count, 1))
      print("classifier: \(url.path) (\(classifier.architecture), \(classifier.parameterCount) parameters)")
      if let recorded = metadata[FashionClassifier.testAccuracyKey] {
        print("recorded test accuracy at training: \(recorded)")
      }
      for k in 0..<FashionClassifier.classCount where total[k] > 0 {
        print(
          String(
            format: "  %-12@ %.4f (%d/%d)", FashionMNIST.classNames[k] as NSString,
            Double(correct[k]) / Double(total[k]),
            correct[k], total[k]))
      }
      if test.count >= 4 {
        // A sanity number for the FID feature space (and for Scripts/check_classifier_torch.py): the distance
        // between the two halves of the test set, the floor that finite samples put under any generator's FID.
        let half = test.count / 2
        let halves = try fid(real: test.images[0..<half], fake: test.images[half..<(2 * half)], classifier: classifier)
        print(String(format: "FID(test[0..<%d], test[%d..<%d]) = %.6f", half, half, 2 * half, halves))
      }
      print(
        String(
          format: "graft: test accuracy %.4f on %d images (%.1fs)", accuracy, test.count,
          Date().timeIntervalSince(start)))
    }
  }
}
