import Dispatch
import Foundation
import Synchronization

/// Splits kernel work across the machine's cores (Graft's own workers; OpenBLAS runs on one thread).
public enum Parallel {
  /// Worker count: `GRAFT_THREADS` if set, else the number of active cores; `Runtime.setThreads` changes it.
  static let threadCount = Atomic<Int>(
    {
      if let value = ProcessInfo.processInfo.environment["GRAFT_THREADS"], let n = Int(value), n > 0 { return n }
      return max(1, ProcessInfo.processInfo.activeProcessorCount)
    }())

  /// The number of workers kernels split their work across.
  public static var threads: Int { threadCount.load(ordering: .relaxed) }

  /// Calls `body` on contiguous sub-ranges of 0..<count, in parallel when `work` (a rough element count)
  /// is large enough to pay for the threads. The sub-ranges must touch disjoint memory.
  public static func forEachChunk(of count: Int, work: Int, _ body: (Range<Int>) -> Void) {
    let chunks = min(threads, count)
    if chunks <= 1 || work < 1 << 16 {
      body(0..<count)
      return
    }
    withoutActuallyEscaping(body) { body in
      let task = UncheckedSendable(body)
      DispatchQueue.concurrentPerform(iterations: chunks) { chunk in
        let start = count * chunk / chunks
        let end = count * (chunk + 1) / chunks
        task.value(start..<end)
      }
    }
  }
}

/// Hands a value to worker threads when the caller guarantees they use it safely (disjoint writes).
struct UncheckedSendable<T>: @unchecked Sendable {
  let value: T
  init(_ value: T) { self.value = value }
}
