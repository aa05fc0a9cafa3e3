import Foundation
import GraftEngine
import GraftIO
import GraftLayers
import GraftOptimizers

/// A small convolutional classifier of 32×32 Fashion-MNIST images (the GAN's padded images, [N, 1, 32, 32]
/// in [−1, 1]): the feature space of the project's "FID" and the judge of class coverage (PAPER.md,
/// "Metrics").
///
///     for each stage c in `convChannels`:  conv 3×3 p1 → c, ReLU, max-pool 2      32 → 16 → 8
///     flatten, Linear → F, ReLU           the penultimate features (FID's feature space)
///     Linear F → 10                       the logits (the `head`)
///
/// Parameters are named as PyTorch's `state_dict` of `nn.Sequential`s would name them
/// (`body.0.weight`, `body.3.bias`, `head.weight`), so Python opens the weights file directly.
public struct FashionClassifier: Layer {
  /// The widths of the network; saved in the weights file's metadata, so `load(from:)` rebuilds it.
  public struct Architecture: Codable, Equatable, Sendable, CustomStringConvertible {
    /// Output channels of each convolution stage (1 to 5 stages; each halves the side).
    public var convChannels: [Int]
    /// The penultimate feature dimension F.
    public var featureDimension: Int
    /// How each stage halves the side: "max" or "avg" pooling over 2×2 windows.
    public var pooling: Pooling

    public enum Pooling: String, Codable, Sendable, CaseIterable {
      case max, avg
    }

    public init(convChannels: [Int] = [16, 32], featureDimension: Int = 128, pooling: Pooling = .max) {
      precondition(
        (1...5).contains(convChannels.count), "FashionClassifier: 1 to 5 convolution stages, got \(convChannels.count)")
      self.convChannels = convChannels
      self.featureDimension = featureDimension
      self.pooling = pooling
    }

    /// The committed classifier's architecture.
    public static let standard = Architecture()

    /// The side of the last feature map.
    public var finalSide: Int { FashionClassifier.imageSize >> convChannels.count }

    /// The length of the flattened feature map that enters the feature layer.
    public var flattenedSize: Int { convChannels.last! * finalSide * finalSide }

    public var description: String {
      convChannels.map { "conv\($0)-\(pooling.rawValue)pool" }.joined(separator: "-")
        + "-linear(\(flattenedSize)→\(featureDimension))-linear(\(featureDimension)→10)"
    }
  }

  /// The side of the images it classifies.
  public static let imageSize = 32
  /// The number of classes.
  public static let classCount = 10
  /// The metadata keys of its weights file.
  public static let architectureKey = "graft.classifier.architecture"
  public static let testAccuracyKey = "graft.classifier.test_accuracy"
  /// The weights file's name inside `Sources/GraftEval/Resources`.
  public static let resourceName = "fashion-classifier"

  public let architecture: Architecture
  /// Images → penultimate features [N, F] (after the ReLU).
  public var body: Sequential
  /// Features → logits [N, 10].
  public var head: Linear

  /// A freshly initialised classifier (PyTorch's default initialisation), drawn from `seed`.
  public init(architecture: Architecture = .standard, seed: UInt64 = 0) {
    var rng = RandomGenerator(seed: seed)
    let a = architecture
    var layers: [any Layer<Tensor<Float>, Tensor<Float>>] = []
    var channels = 1
    for c in a.convChannels {
      let pool = a.pooling == .max ? Function("MaxPool(2)", maxPool2x2) : Function.avgPool(kernel: 2)
      layers += [Conv2d(channels, c, kernelSize: 3, padding: 1, generator: &rng), Function.relu, pool]
      channels = c
    }
    layers += [
      Function.flatten,
      Linear(a.flattenedSize, a.featureDimension, generator: &rng),
      Function.relu,
    ]
    self.architecture = architecture
    body = Sequential(layers)
    head = Linear(a.featureDimension, Self.classCount, generator: &rng)
  }

  public var parameterPaths: [ParameterPath<Self>] {
    paths(of: \.body, named: "body") + paths(of: \.head, named: "head")
  }

  /// The logits [N, 10] of images [N, 1, 32, 32] (differentiable: what training calls).
  public func callAsFunction(_ images: Tensor<Float>) -> Tensor<Float> {
    head(features(images))
  }

  /// The logits [N, 10] of images [N, 1, 32, 32].
  public func logits(_ images: Tensor<Float>) -> Tensor<Float> { self(images) }

  /// The penultimate activations [N, F] of images [N, 1, 32, 32]: the FID feature space.
  public func features(_ images: Tensor<Float>) -> Tensor<Float> {
    precondition(
      images.rank == 4 && images.shape[1] == 1 && images.shape[2] == Self.imageSize
        && images.shape[3] == Self.imageSize,
      "FashionClassifier: expected images [N, 1, 32, 32], got \(images.shape)")
    return body(images)
  }

  /// The class probabilities [N, 10] (softmax of the logits) of images [N, 1, 32, 32].
  public func probabilities(_ images: Tensor<Float>) -> Tensor<Float> {
    softmax(logits(images))
  }

  /// Features [N, F] and logits [N, 10] of images [N, 1, 32, 32], computed `batchSize` images at a time
  /// without gradients. Throws `EvalError.badShape` for images of another shape.
  public func outputs(_ images: Tensor<Float>, batchSize: Int = 500) throws(EvalError) -> (
    features: Tensor<Float>, logits: Tensor<Float>
  ) {
    let all = try allOutputs(images, batchSize: batchSize)
    return (all.features, all.logits)
  }

  /// As `outputs`, with the penultimate layer's activations before its ReLU [N, F] as well: a second
  /// feature space with no always-zero dimensions (dead units are constant there, not clipped to 0).
  public func allOutputs(_ images: Tensor<Float>, batchSize: Int = 500) throws(EvalError) -> (
    preActivation: Tensor<Float>, features: Tensor<Float>, logits: Tensor<Float>
  ) {
    guard images.rank == 4, images.shape[1] == 1, images.shape[2] == Self.imageSize, images.shape[3] == Self.imageSize
    else { throw .badShape(what: "the images", shape: images.shape, expected: "[N, 1, 32, 32]") }
    let n = images.shape[0]
    let step = max(1, batchSize)
    var preActivation: [Tensor<Float>] = []
    var features: [Tensor<Float>] = []
    var logits: [Tensor<Float>] = []
    withLearningPhase(training: false) {
      withoutGradients {
        for start in stride(from: 0, to: n, by: step) {
          // body(batch) layer by layer, keeping the input of its last layer (the ReLU).
          let pre = body.layers.dropLast().reduce(images.detached()[start..<min(n, start + step)]) { $1($0) }
          let f = body.layers.last.map { $0(pre) } ?? pre
          preActivation.append(pre)
          features.append(f)
          logits.append(head(f))
        }
      }
    }
    if n == 0 {
      let empty = Tensor<Float>(zeros: [0, architecture.featureDimension])
      return (empty, empty, Tensor(zeros: [0, Self.classCount]))
    }
    return (
      Tensor.concatenated(preActivation, alongAxis: 0), Tensor.concatenated(features, alongAxis: 0),
      Tensor.concatenated(logits, alongAxis: 0)
    )
  }

  /// The predicted class of each image, in batches.
  public func predictions(_ images: Tensor<Float>, batchSize: Int = 500) throws(EvalError) -> [Int] {
    argmaxRows(try outputs(images, batchSize: batchSize).logits)
  }

  /// The share of `images` whose predicted class is their label.
  public func accuracy(images: Tensor<Float>, labels: [Int], batchSize: Int = 500) throws(EvalError) -> Double {
    guard images.rank >= 1, images.shape[0] == labels.count else {
      throw .badShape(what: "the images", shape: images.shape, expected: "one image per label (\(labels.count))")
    }
    guard !labels.isEmpty else { return 0 }
    let predicted = try predictions(images, batchSize: batchSize)
    return Double(zip(predicted, labels).filter { $0 == $1 }.count) / Double(labels.count)
  }
}

// MARK: - Files

extension FashionClassifier {
  /// The weights and the architecture (in the metadata) as a checkpoint, with extra `metadata`.
  public func checkpoint(metadata: [String: String] = [:]) -> Checkpoint {
    var checkpoint = Checkpoint(metadata: metadata)
    checkpoint.store(self)
    let json = (try? JSONEncoder().encode(architecture)).flatMap { String(data: $0, encoding: .utf8) } ?? "{}"
    checkpoint.metadata[Self.architectureKey] = json
    return checkpoint
  }

  /// Saves the weights as float32 safetensors at `url` (atomically), with extra `metadata`.
  public func save(to url: URL, metadata: [String: String] = [:]) throws {
    try checkpoint(metadata: metadata).save(to: url)
  }

  /// The classifier saved at `url` by `save(to:metadata:)`, with the file's metadata.
  ///
  /// Throws `EvalError.classifierWeightsMissing` when there is no file, `.classifierWeightsInvalid`
  /// when it is not a classifier's, and GraftIO's errors for unreadable files.
  public static func loadWithMetadata(from url: URL) throws -> (
    classifier: FashionClassifier, metadata: [String: String]
  ) {
    guard FileManager.default.fileExists(atPath: url.path) else {
      throw EvalError.classifierWeightsMissing(path: url.path)
    }
    let checkpoint = try Checkpoint.load(from: url)
    guard let json = checkpoint.metadata[architectureKey] else {
      throw EvalError.classifierWeightsInvalid(path: url.path, reason: "no '\(architectureKey)' entry in its metadata")
    }
    let architecture: Architecture
    do {
      architecture = try JSONDecoder().decode(Architecture.self, from: Data(json.utf8))
    } catch {
      throw EvalError.classifierWeightsInvalid(path: url.path, reason: "unreadable architecture '\(json)': \(error)")
    }
    var classifier = FashionClassifier(architecture: architecture)
    try checkpoint.restore(&classifier)
    return (classifier, checkpoint.metadata)
  }

  /// The classifier saved at `url` by `save(to:metadata:)`.
  public static func load(from url: URL) throws -> FashionClassifier {
    try loadWithMetadata(from: url).classifier
  }

  /// The second classifier's weights file (seed 1, conv 24-48, 96 features): the evaluator's third
  /// feature space.
  public static let secondResourceName = "fashion-classifier-seed1"

  /// Where the committed weights are in the package's resources, whether or not the file exists there.
  public static var pretrainedURL: URL { resourceURL(resourceName) }

  /// Where the weights file `name`.safetensors is in the package's resources, whether or not it exists.
  public static func resourceURL(_ name: String) -> URL {
    if let url = Bundle.module.url(forResource: name, withExtension: "safetensors", subdirectory: "Resources") {
      return url
    }
    return Bundle.module.bundleURL.appendingPathComponent("Resources/\(name).safetensors")
  }

  /// The committed classifier (Sources/GraftEval/Resources/fashion-classifier.safetensors). Throws
  /// `EvalError.classifierWeightsMissing` ("run `graft classifier train` to create it") when the file
  /// is not there.
  public static func pretrained() throws -> FashionClassifier {
    try load(from: pretrainedURL)
  }

  /// The test accuracy recorded in the committed weights' metadata when they were trained, if any.
  public static func pretrainedRecordedAccuracy() throws -> Double? {
    try loadWithMetadata(from: pretrainedURL).metadata[testAccuracyKey].flatMap(Double.init)
  }
}

// MARK: - Losses and helpers

/// Row-wise softmax of logits [N, K], computed stably (the row maximum, a constant, is subtracted first).
public func softmax(_ logits: Tensor<Float>) -> Tensor<Float> {
  let shifted = logits - rowMaxima(logits)
  let e = shifted.exp()
  return e / e.sum(alongAxis: 1, keepingDims: true)
}

/// The mean cross-entropy −log softmax(logits)[label] over the rows of logits [N, K], stable for large
/// logits: log Σ exp(z − m) + m − z_label with m the (constant) row maximum, which cancels in the
/// gradient. Differentiable in the logits.
public func softmaxCrossEntropy(logits: Tensor<Float>, labels: [Int]) -> Tensor<Float> {
  precondition(
    logits.rank == 2 && logits.shape[0] == labels.count,
    "softmaxCrossEntropy: logits \(logits.shape) for \(labels.count) labels")
  let (n, k) = (logits.shape[0], logits.shape[1])
  var oneHot = [Float](repeating: 0, count: n * k)
  for (i, label) in labels.enumerated() {
    precondition(label >= 0 && label < k, "softmaxCrossEntropy: label \(label) outside 0..<\(k)")
    oneHot[i * k + label] = 1
  }
  let shifted = logits - rowMaxima(logits)
  let logSumExp = shifted.exp().sum(alongAxis: 1, keepingDims: true).log()
  let picked = (shifted * Tensor(shape: [n, k], scalars: oneHot)).sum(alongAxis: 1, keepingDims: true)
  return (logSumExp - picked).mean()
}

/// The maximum of each row of [N, K] as a constant [N, 1] (cut off from the autodiff graph).
func rowMaxima(_ x: Tensor<Float>) -> Tensor<Float> {
  let (n, k) = (x.shape[0], x.shape[1])
  var m = [Float](repeating: -.infinity, count: n)
  x.scalars.withUnsafeBufferPointer { p in
    for i in 0..<n {
      for j in 0..<k { m[i] = max(m[i], p[i * k + j]) }
    }
  }
  if k == 0 { m = [Float](repeating: 0, count: n) }
  return Tensor(shape: [n, 1], scalars: m)
}

/// The index of the largest entry of each row of [N, K].
public func argmaxRows(_ x: Tensor<Float>) -> [Int] {
  let (n, k) = (x.shape[0], x.shape[1])
  return x.scalars.withUnsafeBufferPointer { p in
    (0..<n).map { i in
      var best = 0
      for j in 1..<max(k, 1) where p[i * k + j] > p[i * k + best] { best = j }
      return best
    }
  }
}

/// Max pooling over 2×2 windows of [N, C, H, W] (even H, W; PyTorch's `max_pool2d(x, 2)`), built from
/// slices and `maximum` so that it is differentiable (ties share the gradient, as `maximum` does).
public func maxPool2x2(_ x: Tensor<Float>) -> Tensor<Float> {
  precondition(
    x.rank == 4 && x.shape[2] % 2 == 0 && x.shape[3] % 2 == 0,
    "maxPool2x2: needs [N, C, H, W] with even H, W; got \(x.shape)")
  let (n, c, h, w) = (x.shape[0], x.shape[1], x.shape[2] / 2, x.shape[3] / 2)
  let windows = x.reshaped(to: [n, c, h, 2, w, 2])
  let rows = maximum(windows.sliced(alongAxis: 3, 0..<1), windows.sliced(alongAxis: 3, 1..<2))
  return maximum(rows.sliced(alongAxis: 5, 0..<1), rows.sliced(alongAxis: 5, 1..<2)).reshaped(to: [n, c, h, w])
}
