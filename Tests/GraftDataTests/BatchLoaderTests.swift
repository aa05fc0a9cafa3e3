import Foundation
import GraftData
import GraftEngine
import Testing

@Suite("Shuffling mini-batch loader")
struct BatchLoaderTests {
  /// N examples [N, 2, 3] whose every element is the example's index; labels index mod 10.
  static func dataset(_ n: Int) -> (images: Tensor<Float>, labels: [Int]) {
    (
      Tensor(shape: [n, 2, 3], scalars: (0..<n).flatMap { [Float](repeating: Float($0), count: 6) }),
      (0..<n).map { $0 % 10 }
    )
  }

  static func loader(
    n: Int = 23, batchSize: Int = 5, seed: UInt64 = 1, dropLast: Bool = false, shuffle: Bool = true,
    prefetch: Bool = false
  ) -> BatchLoader {
    let data = dataset(n)
    return BatchLoader(
      images: data.images, labels: data.labels, batchSize: batchSize, shuffle: shuffle, dropLast: dropLast,
      prefetch: prefetch, generator: RandomGenerator(seed: seed))
  }

  /// The next `count` batches' indices.
  static func take(_ count: Int, from loader: inout BatchLoader) -> [[Int]] {
    (0..<count).map { _ in loader.next().indices }
  }

  @Test func everyExampleExactlyOncePerEpochAndBatchesHoldTheirExamples() {
    var loader = Self.loader(n: 23, batchSize: 5)
    #expect(loader.batchesPerEpoch == 5)
    var orders: [[Int]] = []
    for epoch in 0..<4 {
      var seen: [Int] = []
      for b in 0..<loader.batchesPerEpoch {
        let batch = loader.next()
        #expect(batch.epoch == epoch)
        #expect(batch.count == (b == 4 ? 3 : 5))
        #expect(batch.images.shape == [batch.count, 2, 3])
        for (k, i) in batch.indices.enumerated() {
          #expect(batch.images.scalars[(6 * k)..<(6 * k + 6)].allSatisfy { $0 == Float(i) })
          #expect(batch.labels?[k] == i % 10)
        }
        seen += batch.indices
      }
      #expect(loader.batchesLeftInEpoch == 0)
      #expect(seen.sorted() == Array(0..<23))
      orders.append(seen)
    }
    // Reshuffled every epoch.
    #expect(Set(orders).count == 4)
    #expect(orders[0] != Array(0..<23))
  }

  @Test func dropLastSkipsTheIncompleteBatch() {
    var loader = Self.loader(n: 23, batchSize: 5, dropLast: true)
    #expect(loader.batchesPerEpoch == 4)
    for epoch in 0..<3 {
      let batches = (0..<4).map { _ in loader.next() }
      #expect(batches.allSatisfy { $0.count == 5 && $0.epoch == epoch })
      #expect(Set(batches.flatMap(\.indices)).count == 20)
    }
  }

  @Test func withoutShuffleTheOrderIsTheDataSetOrder() {
    var loader = Self.loader(n: 7, batchSize: 3, shuffle: false)
    #expect(Self.take(6, from: &loader) == [[0, 1, 2], [3, 4, 5], [6], [0, 1, 2], [3, 4, 5], [6]])
  }

  @Test func sameSeedSameBatchesDifferentSeedsDiffer() {
    var a = Self.loader(seed: 7)
    var b = Self.loader(seed: 7)
    var c = Self.loader(seed: 8)
    let fromA = Self.take(12, from: &a)
    #expect(fromA == Self.take(12, from: &b))
    #expect(fromA != Self.take(12, from: &c))
  }

  @Test(arguments: [(3, false), (5, false), (9, true), (4, true)])
  func restoringASavedStateGivesTheSameFollowingBatches(taken: Int, dropLast: Bool) throws {
    var original = Self.loader(n: 23, batchSize: 5, seed: 3, dropLast: dropLast)
    _ = Self.take(taken, from: &original)
    let saved = original.state
    // Through JSON, as a checkpoint would store it.
    let decoded = try JSONDecoder().decode(LoaderState.self, from: JSONEncoder().encode(saved))
    #expect(decoded == saved)
    let expected = Self.take(17, from: &original)

    let data = Self.dataset(23)
    var resumed = try BatchLoader(
      images: data.images, labels: data.labels, batchSize: 5, dropLast: dropLast, restoring: decoded)
    #expect(resumed.epoch == saved.epoch && resumed.position == saved.position)
    #expect(Self.take(17, from: &resumed) == expected)

    // restore(_:) rewinds a loader that has moved on.
    var rewound = Self.loader(n: 23, batchSize: 5, seed: 99, dropLast: dropLast)
    _ = Self.take(2, from: &rewound)
    try rewound.restore(saved)
    #expect(Self.take(17, from: &rewound) == expected)
  }

  @Test func restoringAStateOfAnotherConfigurationIsAnError() throws {
    let saved = Self.loader(n: 23, batchSize: 5).state
    var other = Self.loader(n: 23, batchSize: 4)
    let error = #expect(throws: DataError.self) { try other.restore(saved) }
    #expect(error?.description.contains("batch size 5, not 4") == true)
    var zeroed = saved
    zeroed.epochStartGenerator = [0, 0, 0, 0]
    var same = Self.loader(n: 23, batchSize: 5)
    #expect(throws: DataError.self) { try same.restore(zeroed) }
    var outOfRange = saved
    outOfRange.position = 24
    #expect(throws: DataError.self) { try same.restore(outOfRange) }
  }

  @Test func prefetchGivesIdenticalBatches() throws {
    let data = Self.dataset(203)
    var plain = BatchLoader(
      images: data.images, labels: data.labels, batchSize: 16, generator: RandomGenerator(seed: 12))
    var prefetching = BatchLoader(
      images: data.images, labels: data.labels, batchSize: 16, prefetch: true, generator: RandomGenerator(seed: 12))
    for _ in 0..<40 {
      let a = plain.next()
      let b = prefetching.next()
      #expect(a.indices == b.indices && a.epoch == b.epoch)
      #expect(a.images.scalars == b.images.scalars && a.images.shape == b.images.shape)
      #expect(a.labels == b.labels)
    }
    // Saving and restoring a prefetching loader also continues identically.
    let saved = prefetching.state
    #expect(saved == plain.state)
    var resumed = try BatchLoader(
      images: data.images, labels: data.labels, batchSize: 16, prefetch: true, restoring: saved)
    for _ in 0..<20 {
      let a = plain.next()
      let b = resumed.next()
      #expect(a.indices == b.indices && a.images.scalars == b.images.scalars)
    }
  }

  @Test func unlabelledDataSetsGiveBatchesWithoutLabels() {
    var loader = BatchLoader(images: Tensor(zeros: [4, 3]), batchSize: 3, generator: RandomGenerator(seed: 1))
    let batch = loader.next()
    #expect(batch.labels == nil)
    #expect(batch.images.shape == [3, 3])
    #expect(loader.next().images.shape == [1, 3])
  }
}
