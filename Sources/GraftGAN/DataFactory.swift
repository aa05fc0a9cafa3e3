import Foundation
import GraftData
import GraftEngine
import GraftRun

/// What the metrics and pictures need to know about the real distribution.
public enum DataReference {
  /// A mixture of Gaussians: centres, component standard deviation, half-width of the plot.
  case mixture(centers: [[Float]], standardDeviation: Float, extent: Float)
  /// The synthetic setting: the mode directions [K, d].
  case theory(modes: Tensor<Float>)
  case images

  var isImages: Bool {
    if case .images = self { return true }
    return false
  }
}

/// Image batches from a shuffling loader.
struct ImageData: RealDataSource {
  var loader: BatchLoader
  let channels: Int

  mutating func next(_ n: Int) -> Tensor<Float> {
    precondition(n == loader.batchSize, "ImageData: batch size \(n) differs from the loader's \(loader.batchSize)")
    return loader.next().images
  }

  var savedState: String {
    // Sorted keys: the same state always gives the same bytes, so two runs of one seed write identical
    // checkpoints.
    let encoder = JSONEncoder()
    encoder.outputFormatting = .sortedKeys
    return String(decoding: (try? encoder.encode(loader.state)) ?? Data(), as: UTF8.self)
  }

  mutating func restore(_ saved: String) throws {
    let state = try JSONDecoder().decode(LoaderState.self, from: Data(saved.utf8))
    try loader.restore(state)
  }
}

/// The real data of a config, drawn with `generator`, and its reference for metrics.
func makeRealData(_ config: TrainingConfig, generator: RandomGenerator) throws -> (any RealDataSource, DataReference) {
  switch config.dataset {
  case .ring8, .grid25:
    let mixture = config.dataset == .ring8 ? GaussianMixture.ring8 : GaussianMixture.grid25
    let extent: Float = config.dataset == .ring8 ? 3 : 6
    return (
      SampledData(generator: generator) { n, g in mixture.sample(n, generator: &g) },
      .mixture(centers: mixture.centers, standardDeviation: mixture.standardDeviation, extent: extent)
    )
  case .theory:
    let modes = config.theory.data
    return (
      SampledData(generator: generator) { n, g in modes.sample(n, generator: &g).points },
      .theory(modes: modes.modeDirections)
    )
  case .fashionMNIST:
    let data = try FashionMNIST(
      split: .train, directory: config.dataDirectory ?? FashionMNIST.defaultDirectory, limit: config.dataLimit,
      imageSize: config.imageSize)
    return (ImageData(loader: try loader(data.images, config, generator), channels: 1), .images)
  case .cifar10:
    guard let directory = config.dataDirectory else {
      throw ConfigError("CIFAR-10 cannot be downloaded here: pass --data-dir with the data_batch_*.bin files")
    }
    let data = try CIFAR10(split: .train, directory: directory, limit: config.dataLimit)
    return (ImageData(loader: try loader(data.images, config, generator), channels: 3), .images)
  }
}

/// A loader of full batches of `images`. Fewer images than one batch is an error: every batch has the
/// configured size (the trainer's tensors are shaped by it).
private func loader(
  _ images: Tensor<Float>, _ config: TrainingConfig, _ generator: RandomGenerator
) throws -> BatchLoader {
  let count = images.shape[0]
  guard count >= config.batchSize else {
    let limit = config.dataLimit.map { " (--data-limit \($0))" } ?? ""
    throw ConfigError(
      "--batch-size \(config.batchSize) is larger than the \(count) images loaded\(limit); lower --batch-size to at "
        + "most \(count)\(limit.isEmpty ? "" : " or raise --data-limit")")
  }
  return BatchLoader(images: images, batchSize: config.batchSize, dropLast: true, prefetch: true, generator: generator)
}
