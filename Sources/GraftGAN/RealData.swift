import Foundation
import GraftEngine
import GraftRun

/// Where real batches come from during training, with state that checkpoints save so that a resumed
/// run draws the same batches.
public protocol RealDataSource {
  /// Channels of image samples (1 or 3); 0 for vector data.
  var channels: Int { get }
  /// The next batch of `n` real samples ([n, 2], [n, d] or [n, C, H, W]).
  mutating func next(_ n: Int) -> Tensor<Float>
  /// The state as a string (stored in checkpoint metadata).
  var savedState: String { get }
  mutating func restore(_ saved: String) throws
}

/// Samples drawn fresh from a distribution with a generator of their own (mixtures, the synthetic setting).
public struct SampledData: RealDataSource {
  public let draw: (Int, inout RandomGenerator) -> Tensor<Float>
  public var generator: RandomGenerator
  public let channels: Int

  /// `channels`: 0 for vector samples, else the channel count of the image samples `draw` returns.
  public init(
    generator: RandomGenerator, channels: Int = 0, draw: @escaping (Int, inout RandomGenerator) -> Tensor<Float>
  ) {
    self.generator = generator
    self.channels = channels
    self.draw = draw
  }

  public mutating func next(_ n: Int) -> Tensor<Float> { draw(n, &generator) }

  public var savedState: String { generator.stateWords.map { String($0) }.joined(separator: ",") }

  public mutating func restore(_ saved: String) throws {
    let words = saved.split(separator: ",").compactMap { UInt64($0) }
    guard words.count == 4 else { throw ConfigError("corrupt data-sampler state '\(saved)' in the checkpoint") }
    generator = RandomGenerator(stateWords: words)
  }
}
