/// Where a `BatchLoader` stands, to save in a checkpoint and restore so that a resumed run sees
/// exactly the batches it would have seen.
///
/// The current epoch's order is not stored: it is rebuilt by shuffling again from the generator state
/// saved at the epoch's start, which also gives the generator state after the shuffle.
public struct LoaderState: Codable, Equatable, Sendable {
  /// The epoch the loader is in (0 for the first).
  public var epoch: Int
  /// How many examples of this epoch's order have been served.
  public var position: Int
  /// The random generator's state words (see `RandomGenerator.stateWords`) just before this epoch's
  /// shuffle.
  public var epochStartGenerator: [UInt64]
  /// The data set size the state belongs to (checked on restore).
  public var exampleCount: Int
  /// The batch size the state belongs to (checked on restore).
  public var batchSize: Int
  /// Whether the loader shuffles (checked on restore).
  public var shuffle: Bool
  /// Whether the loader drops the last incomplete batch of an epoch (checked on restore).
  public var dropLast: Bool

  public init(
    epoch: Int, position: Int, epochStartGenerator: [UInt64], exampleCount: Int, batchSize: Int, shuffle: Bool,
    dropLast: Bool
  ) {
    self.epoch = epoch
    self.position = position
    self.epochStartGenerator = epochStartGenerator
    self.exampleCount = exampleCount
    self.batchSize = batchSize
    self.shuffle = shuffle
    self.dropLast = dropLast
  }
}
