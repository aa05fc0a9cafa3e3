import GraftEngine

/// Mini-batches from an in-memory data set, in an order shuffled anew every epoch by a seeded
/// `RandomGenerator`: the same generator gives the same batches.
///
/// `next()` never runs out: after the last batch of an epoch it reshuffles and starts the next one.
/// Every example appears exactly once per epoch (with `dropLast`, the last `N mod B` examples of each
/// epoch's order are skipped so that every batch has B examples). `state` / `restore(_:)` save and
/// restore the position, so a resumed run sees the same batches. With `prefetch`, the following batch
/// is assembled on a background thread while the caller uses the current one; the batches are the
/// same as without.
public struct BatchLoader: Sendable {
  /// The examples `[N, ...]`.
  public let images: Tensor<Float>
  /// Their labels (N of them), if any.
  public let labels: [Int]?
  /// Examples per batch B.
  public let batchSize: Int
  /// Whether each epoch's order is a fresh random permutation (otherwise 0, 1, …, N − 1).
  public let shuffle: Bool
  /// Whether the last batch of an epoch is skipped when it would have fewer than B examples.
  public let dropLast: Bool
  /// Whether the next batch is assembled in the background.
  public let prefetch: Bool

  /// The epoch the loader is in (0 for the first).
  public private(set) var epoch = 0
  /// How many examples of this epoch's order have been served.
  public private(set) var position = 0
  /// The generator as it was before this epoch's shuffle.
  private var epochStartGenerator: RandomGenerator
  /// The generator as it is after this epoch's shuffle: it shuffles the next epoch.
  private var generator: RandomGenerator
  /// This epoch's order of the data set indices.
  private var order: [Int]
  /// The batch being assembled in the background, when prefetching.
  private var prefetched: PrefetchedBatch?

  /// A loader over `images` `[N, ...]` (N ≥ 1) and optional `labels` (N of them), batches of
  /// `batchSize` (with `dropLast`, at most N), drawing its shuffles from `generator`.
  public init(
    images: Tensor<Float>, labels: [Int]? = nil, batchSize: Int, shuffle: Bool = true, dropLast: Bool = false,
    prefetch: Bool = false, generator: RandomGenerator
  ) {
    precondition(images.rank >= 1 && images.shape[0] > 0, "BatchLoader: empty data set of shape \(images.shape)")
    precondition(batchSize > 0, "BatchLoader: batch size must be positive, got \(batchSize)")
    precondition(
      !dropLast || batchSize <= images.shape[0],
      "BatchLoader: with dropLast, batch size \(batchSize) exceeds the \(images.shape[0]) examples: no batch")
    if let labels {
      precondition(
        labels.count == images.shape[0], "BatchLoader: \(labels.count) labels for \(images.shape[0]) examples")
    }
    self.images = images
    self.labels = labels
    self.batchSize = batchSize
    self.shuffle = shuffle
    self.dropLast = dropLast
    self.prefetch = prefetch
    self.epochStartGenerator = generator
    self.generator = generator
    self.order = []
    self.order = shuffledOrder(&self.generator)
  }

  /// A loader over the same kind of data resumed from `state` (see `restore(_:)`).
  public init(
    images: Tensor<Float>, labels: [Int]? = nil, batchSize: Int, shuffle: Bool = true, dropLast: Bool = false,
    prefetch: Bool = false, restoring state: LoaderState
  ) throws(DataError) {
    guard state.epochStartGenerator.count == 4, state.epochStartGenerator.contains(where: { $0 != 0 }) else {
      throw .stateMismatch(reason: "the generator state must be 4 words, not all zero: \(state.epochStartGenerator)")
    }
    self.init(
      images: images, labels: labels, batchSize: batchSize, shuffle: shuffle, dropLast: dropLast, prefetch: prefetch,
      generator: RandomGenerator(stateWords: state.epochStartGenerator))
    try restore(state)
  }

  /// The number of examples N.
  public var exampleCount: Int { images.shape[0] }

  /// Batches in one epoch: ⌈N / B⌉, or ⌊N / B⌋ with `dropLast`.
  public var batchesPerEpoch: Int { dropLast ? exampleCount / batchSize : (exampleCount + batchSize - 1) / batchSize }

  /// Batches left before the loader moves to the next epoch.
  public var batchesLeftInEpoch: Int {
    let remaining = exampleCount - position
    return dropLast ? remaining / batchSize : (remaining + batchSize - 1) / batchSize
  }

  /// The loader's position, to save; `restore(_:)` returns to it.
  public var state: LoaderState {
    LoaderState(
      epoch: epoch, position: position, epochStartGenerator: epochStartGenerator.stateWords,
      exampleCount: exampleCount, batchSize: batchSize, shuffle: shuffle, dropLast: dropLast)
  }

  /// Returns to a saved position. The state must come from a loader with the same data set size, batch
  /// size, `shuffle` and `dropLast` (otherwise `DataError.stateMismatch`).
  public mutating func restore(_ state: LoaderState) throws(DataError) {
    var problems: [String] = []
    if state.exampleCount != exampleCount { problems.append("\(state.exampleCount) examples, not \(exampleCount)") }
    if state.batchSize != batchSize { problems.append("batch size \(state.batchSize), not \(batchSize)") }
    if state.shuffle != shuffle { problems.append("shuffle \(state.shuffle), not \(shuffle)") }
    if state.dropLast != dropLast { problems.append("dropLast \(state.dropLast), not \(dropLast)") }
    if state.epoch < 0 || state.position < 0 || state.position > exampleCount {
      problems.append("epoch \(state.epoch) / position \(state.position) out of range")
    }
    if state.epochStartGenerator.count != 4 || !state.epochStartGenerator.contains(where: { $0 != 0 }) {
      problems.append("the generator state must be 4 words, not all zero")
    }
    guard problems.isEmpty else { throw .stateMismatch(reason: "saved with " + problems.joined(separator: ", ")) }
    epoch = state.epoch
    position = state.position
    epochStartGenerator = RandomGenerator(stateWords: state.epochStartGenerator)
    generator = epochStartGenerator
    order = shuffledOrder(&generator)
    prefetched = nil
  }

  /// The next batch; starts a new, reshuffled epoch when the current one is used up.
  public mutating func next() -> Batch {
    let (batchEpoch, indices) = advance()
    let batch: Batch
    if let prefetched, prefetched.epoch == batchEpoch, prefetched.indices == indices {
      batch = prefetched.wait()
    } else {
      batch = Batch(gathering: indices, from: images, labels: labels, epoch: batchEpoch)
    }
    prefetched = nil
    if prefetch {
      var lookahead = self
      let (nextEpoch, nextIndices) = lookahead.advance()
      prefetched = PrefetchedBatch.start(indices: nextIndices, from: images, labels: labels, epoch: nextEpoch)
    }
    return batch
  }

  /// Moves past the next batch and returns its epoch and indices, starting a new epoch when needed.
  private mutating func advance() -> (epoch: Int, indices: [Int]) {
    if batchesLeftInEpoch == 0 {
      epoch += 1
      position = 0
      epochStartGenerator = generator
      order = shuffledOrder(&generator)
    }
    let end = Swift.min(position + batchSize, exampleCount)
    let indices = Array(order[position..<end])
    position = end
    return (epoch, indices)
  }

  /// 0..<N, shuffled with `generator` when `shuffle` is on.
  private func shuffledOrder(_ generator: inout RandomGenerator) -> [Int] {
    var order = Array(0..<exampleCount)
    if shuffle { generator.shuffle(&order) }
    return order
  }
}
