import Foundation
import GraftEngine
import GraftEval
import GraftLayers
import Testing

@Suite("The classifier's loss, files and training, without Fashion-MNIST")
struct ClassifierTests {
  @Test func crossEntropyValues() throws {
    // Equal logits: log K. A confident right answer: ≈ 0; a confident wrong one: the logit gap.
    let loss = softmaxCrossEntropy(
      logits: Tensor([[0, 0, 0, 0], [1000, 0, 0, 0], [0, 1000, 0, 0]]), labels: [2, 0, 0])
    #expect(abs(loss.scalar - (Float(Foundation.log(4.0)) + 0 + 1000) / 3) < 1e-3)
    #expect(loss.scalar.isFinite)
    // Against the direct formula on moderate logits.
    let z: [Float] = [0.3, -1.2, 2.0]
    let direct = -Foundation.log(Foundation.exp(Double(z[1])) / z.reduce(0.0) { $0 + Foundation.exp(Double($1)) })
    #expect(abs(Double(softmaxCrossEntropy(logits: Tensor([z]), labels: [1]).scalar) - direct) < 1e-6)
  }

  @Test func crossEntropyGradientIsSoftmaxMinusOneHot() throws {
    let logits = Tensor<Float>([[0.5, -1, 2], [3, 3, -2]]).requiringGrad()
    let labels = [2, 0]
    let loss = softmaxCrossEntropy(logits: logits, labels: labels)
    let grad = try gradients(of: loss, withRespectTo: [logits])[0]
    let p = softmax(logits.detached())
    for i in 0..<2 {
      for k in 0..<3 {
        let expected = (p[i, k] - (labels[i] == k ? 1 : 0)) / 2
        #expect(abs(grad[i, k] - expected) < 1e-6)
      }
    }
    // Probabilities sum to one per row, even for huge logits.
    let q = softmax(Tensor([[1e4, 0, -1e4]]))
    #expect(abs(q.scalars.reduce(0, +) - 1) < 1e-6 && q.scalars.allSatisfy(\.isFinite))
  }

  @Test func maxPoolingPicksEachWindowsMaximumAndRoutesItsGradient() throws {
    // One 4×4 channel: windows [[1, 5], [3, 2]], [[0, -1], [7, 4]], [[9, 8], [6, 6]], [[-3, -2], [-5, -4]].
    let x = Tensor<Float>(shape: [1, 1, 4, 4], scalars: [1, 5, 0, -1, 3, 2, 7, 4, 9, 8, -3, -2, 6, 6, -5, -4])
      .requiringGrad()
    let y = maxPool2x2(x)
    #expect(y.shape == [1, 1, 2, 2] && y.scalars == [5, 7, 9, -2])
    let g = try gradients(of: y.sum(), withRespectTo: [x])[0]
    #expect(g.scalars == [0, 1, 0, 0, 0, 0, 1, 0, 1, 0, 0, 1, 0, 0, 0, 0])
  }

  @Test func shapesAndSaveLoadRoundTrip() throws {
    let architecture = FashionClassifier.Architecture(convChannels: [4, 6, 6], featureDimension: 12)
    let classifier = FashionClassifier(architecture: architecture, seed: 11)
    var rng = RandomGenerator(seed: 1)
    let images = Tensor<Float>(randomUniform: [5, 1, 32, 32], lowerBound: -1, upperBound: 1, generator: &rng)
    #expect(classifier.features(images).shape == [5, 12])
    #expect(classifier.logits(images).shape == [5, 10])
    let p = classifier.probabilities(images)
    #expect((0..<5).allSatisfy { i in abs((0..<10).reduce(Float(0)) { $0 + p[i, $1] } - 1) < 1e-5 })
    // Batched outputs agree with one pass.
    let (features, logits) = try classifier.outputs(images, batchSize: 2)
    #expect(zip(features.scalars, classifier.features(images).scalars).allSatisfy { abs($0 - $1) < 1e-5 })
    #expect(zip(logits.scalars, classifier.logits(images).scalars).allSatisfy { abs($0 - $1) < 1e-5 })
    #expect(
      classifier.parameterPaths.map(\.name) == [
        "body.0.weight", "body.0.bias", "body.3.weight", "body.3.bias", "body.6.weight", "body.6.bias",
        "body.10.weight", "body.10.bias",
        "head.weight", "head.bias",
      ])

    let url = FileManager.default.temporaryDirectory.appendingPathComponent(
      "graft-classifier-\(UUID().uuidString).safetensors")
    defer { try? FileManager.default.removeItem(at: url) }
    try classifier.save(to: url, metadata: ["note": "test"])
    let (loaded, metadata) = try FashionClassifier.loadWithMetadata(from: url)
    #expect(loaded.architecture == architecture)
    #expect(metadata["note"] == "test")
    #expect(loaded.logits(images).scalars == classifier.logits(images).scalars)
    #expect(throws: EvalError.self) { try classifier.outputs(Tensor(zeros: [2, 1, 28, 28])) }
  }

  @Test func missingWeightsSayHowToCreateThem() {
    let url = URL(fileURLWithPath: "/nonexistent/fashion-classifier.safetensors")
    do {
      _ = try FashionClassifier.load(from: url)
      Issue.record("loading a missing file succeeded")
    } catch {
      #expect("\(error)".contains("graft classifier train"), "\(error)")
      #expect(error as? EvalError == .classifierWeightsMissing(path: url.path))
    }
  }

  @Test func trainingLearnsASyntheticTask() throws {
    // Class k: a bright 6×6 square at one of ten places on a noisy background.
    var rng = RandomGenerator(seed: 4)
    func images(_ labels: [Int]) -> Tensor<Float> {
      var pixels = [Float](repeating: -1, count: labels.count * 1024)
      for (i, k) in labels.enumerated() {
        let (r0, c0) = (2 + (k / 5) * 16, 2 + (k % 5) * 6)
        for p in 0..<1024 { pixels[i * 1024 + p] += Float(0.3 * rng.nextUnitDouble()) }
        for r in r0..<(r0 + 6) { for c in c0..<(c0 + 6) { pixels[i * 1024 + r * 32 + c] = 1 } }
      }
      return Tensor(shape: [labels.count, 1, 32, 32], scalars: pixels)
    }
    let trainLabels = (0..<400).map { $0 % 10 }
    let testLabels = (0..<100).map { ($0 * 7) % 10 }
    var lines: [String] = []
    let (classifier, report) = try trainClassifier(
      trainImages: images(trainLabels), trainLabels: trainLabels, testImages: images(testLabels),
      testLabels: testLabels,
      options: ClassifierTrainingOptions(
        architecture: FashionClassifier.Architecture(convChannels: [4, 8], featureDimension: 16),
        epochs: 3, batchSize: 32, learningRate: 5e-3, seed: 1),
      log: { lines.append($0) })
    #expect(report.epochs.count == 3 && lines.count == 4)
    #expect(report.epochs[2].loss < report.epochs[0].loss)
    #expect(report.testAccuracy >= 0.95, "\(lines.joined(separator: "\n"))")
    #expect(try classifier.accuracy(images: images(testLabels), labels: testLabels) == report.testAccuracy)
  }
}
