import Dispatch
import Foundation
import GraftEngine

/// A batch being assembled on a background thread: started with `start`, collected with `wait`.
///
/// The batch is written once, under the condition's lock, and only read after that, so the box can be
/// shared between threads; an abandoned one simply finishes and is released.
final class PrefetchedBatch: @unchecked Sendable {
  /// The epoch of the batch being assembled.
  let epoch: Int
  /// The data set indices of the batch being assembled.
  let indices: [Int]

  private let condition = NSCondition()
  private var result: Batch?

  private init(epoch: Int, indices: [Int]) {
    self.epoch = epoch
    self.indices = indices
  }

  /// Starts assembling the batch of `indices` on a background queue.
  static func start(indices: [Int], from images: Tensor<Float>, labels: [Int]?, epoch: Int) -> PrefetchedBatch {
    let box = PrefetchedBatch(epoch: epoch, indices: indices)
    DispatchQueue.global(qos: .userInitiated).async {
      box.fulfill(Batch(gathering: indices, from: images, labels: labels, epoch: epoch))
    }
    return box
  }

  /// The batch, once assembled (blocks until then).
  func wait() -> Batch {
    condition.lock()
    defer { condition.unlock() }
    while result == nil { condition.wait() }
    return result!
  }

  private func fulfill(_ batch: Batch) {
    condition.lock()
    result = batch
    condition.broadcast()
    condition.unlock()
  }
}
