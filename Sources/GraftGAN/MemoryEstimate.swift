import Foundation
import GraftRun

/// A rough upper estimate of the memory a config's training needs, so that an oversized model
/// (`--width 100000`) is refused with a message before its weights are allocated, rather than ending on
/// an allocation failure or the out-of-memory killer.
///
/// It counts the weights of both players from the model's layer plan and the activations of one batch,
/// each times the copies training keeps (weights, gradients, optimizer state, a moving average, the
/// backward pass's temporaries); it is meant to be above the real need, which it only has to bound.
struct MemoryEstimate {
  /// Float32 parameters of both players.
  var parameters: Double
  /// Float32 activations of both players for one sample.
  var activationsPerSample: Double

  init(_ config: TrainingConfig) {
    let w = Double(config.width)
    let z = Double(config.latentDimension)
    let channels: Double = config.dataset == .cifar10 ? 3 : 1
    let side = Double(config.imageSize)
    switch config.model {
    case .mlp:
      parameters = 2 * w * w + w * (z + 8)
      activationsPerSample = 4 * w + z
    case .dcgan:
      // 32x32: three stages from 4x4 at 4w channels; 28x28: two stages from 7x7 at 2w channels.
      // Each stage halves the channels and doubles the side, so stage k holds top·start²·2ᵏ·w values.
      let (top, start, stages): (Double, Double, Double) = config.imageSize == 28 ? (2, 7, 2) : (4, 4, 3)
      parameters = 2 * 16 * w * w * (top * top / 2 + top) + top * w * start * start * (z + 1) + 32 * w * channels
      let perPlayer = top * start * start * w * (pow(2, stages) - 1) + channels * side * side
      activationsPerSample = 2 * 2 * perPlayer
    case .resnet:
      parameters = 7 * 2 * 9 * w * w + 16 * w * (z + 1) + 9 * w * channels
      activationsPerSample = 2 * 4 * w * (16 + 64 + 256 + 1024) + 2 * channels * side * side
    case .theory:
      parameters = 0
      activationsPerSample = 0
    }
  }

  /// Bytes for the weights and their copies (gradient, two optimizer moments, moving average, update,
  /// a spare) plus the batch's activations with their gradients and the backward pass's temporaries.
  func bytes(batchSize: Int) -> Double {
    4 * (8 * parameters + 6 * activationsPerSample * Double(batchSize))
  }

  /// The memory available to a new allocation (MemAvailable in /proc/meminfo), or nil where it is not
  /// known.
  static func availableBytes() -> Double? {
    guard let text = try? String(contentsOfFile: "/proc/meminfo", encoding: .utf8) else { return nil }
    for line in text.split(separator: "\n") where line.hasPrefix("MemAvailable:") {
      let fields = line.split(separator: " ")
      guard fields.count >= 2, let kilobytes = Double(fields[1]) else { return nil }
      return kilobytes * 1024
    }
    return nil
  }

  /// Throws `ConfigError` when `config` needs more memory than `available` bytes (by default what this
  /// machine has available now).
  static func check(_ config: TrainingConfig, available: Double? = availableBytes()) throws {
    guard let available else { return }
    let needed = MemoryEstimate(config).bytes(batchSize: config.batchSize)
    guard needed <= available else {
      func gib(_ bytes: Double) -> String { String(format: "%.1f", bytes / 1_073_741_824) }
      throw ConfigError(
        "this \(config.model.rawValue) model (--width \(config.width), --batch-size \(config.batchSize)) needs about "
          + "\(gib(needed)) GiB, this machine has \(gib(available)) GiB available; lower --width or --batch-size")
    }
  }
}
