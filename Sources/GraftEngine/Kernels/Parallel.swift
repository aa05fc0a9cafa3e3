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
      let split: (Int) -> Void = { chunk in body(count * chunk / chunks..<count * (chunk + 1) / chunks) }
      if WorkerPool.shared.run(chunks: chunks, split) { return }
      // The pool is busy (a kernel called from inside another, or a second thread training at the
      // same time): GCD's threads instead.
      let task = UncheckedSendable(split)
      DispatchQueue.concurrentPerform(iterations: chunks) { chunk in task.value(chunk) }
    }
  }
}

/// Graft's worker threads. A training step runs hundreds of parallel kernels microseconds apart; waking
/// a parked thread for each (GCD) costs tens of microseconds on a virtual machine, as long as a small
/// matrix product. These workers spin for a short while after each job, so the next one starts at once,
/// and only then park.
///
/// A job is `chunks` calls of one closure; the caller's thread takes part. Chunks are handed out through
/// one atomic ticket (generation, chunk count, next chunk), so a late worker can never take a chunk of
/// a job that has finished.
final class WorkerPool: @unchecked Sendable {
  static let shared = WorkerPool()

  /// How long an idle worker spins before parking: longer than the serial stretches of a training step
  /// (0.2 ms left the calling thread waiting for a worker just woken 12% of the mlp-gan profile).
  static let spinNanoseconds: UInt64 = 2_000_000

  private final class Worker: @unchecked Sendable {
    let sleeping = Atomic<Bool>(false)
    let wake = DispatchSemaphore(value: 0)
  }

  private let busy = Atomic<Bool>(false)
  /// generation << 32 | chunk count << 16 | next chunk.
  private let ticket = Atomic<Int>(0)
  /// Workers inside `work`. Once the caller has found no chunk left to take, every chunk is done when
  /// none is: a worker counts itself in before it takes a chunk and out after finishing it.
  private let active = Atomic<Int>(0)
  /// Written by the thread holding `busy` before it publishes the ticket; read after taking a chunk.
  private var job: ((Int) -> Void)?
  /// Only the thread holding `busy` touches this.
  private var workers: [Worker] = []

  /// Runs `job(0..<chunks)` on the pool; false (and nothing run) when the pool is already busy.
  func run(chunks: Int, _ body: @escaping (Int) -> Void) -> Bool {
    guard chunks < 1 << 16, busy.compareExchange(expected: false, desired: true, ordering: .acquiring).exchanged
    else { return false }
    // One worker per thread besides this one; more pieces than threads are taken in turn.
    let helpers = min(chunks, Parallel.threads) - 1
    while workers.count < helpers { startWorker() }
    job = body
    let generation = (ticket.load(ordering: .relaxed) >> 32) &+ 1
    ticket.store(generation << 32 | chunks << 16, ordering: .sequentiallyConsistent)
    for worker in workers[..<helpers] where worker.sleeping.exchange(false, ordering: .sequentiallyConsistent) {
      worker.wake.signal()
    }
    work(generation: generation)
    while active.load(ordering: .acquiring) > 0 {}
    job = nil
    busy.store(false, ordering: .releasing)
    return true
  }

  /// Takes chunks of job `generation` until none is left.
  private func work(generation: Int) {
    active.add(1, ordering: .acquiringAndReleasing)
    defer { active.subtract(1, ordering: .acquiringAndReleasing) }
    while true {
      let t = ticket.load(ordering: .acquiring)
      let (count, next) = ((t >> 16) & 0xFFFF, t & 0xFFFF)
      guard t >> 32 == generation, next < count else { return }
      if ticket.compareExchange(expected: t, desired: t &+ 1, ordering: .acquiringAndReleasing).exchanged {
        runChunk(next)
      }
    }
  }

  @inline(never)
  private func runChunk(_ chunk: Int) {
    job?(chunk)
  }

  private func startWorker() {
    let worker = Worker()
    workers.append(worker)
    let index = workers.count - 1
    let thread = Thread { [unowned self] in self.loop(worker, index: index) }
    thread.name = "graft-worker"
    thread.start()
  }

  /// A worker's life: wait for the next generation (spin, then park), work, repeat. Workers beyond the
  /// current thread count (after `Runtime.setThreads` lowered it) park at once.
  private func loop(_ worker: Worker, index: Int) {
    var seen = ticket.load(ordering: .acquiring) >> 32
    while true {
      var spinStart = DispatchTime.now().uptimeNanoseconds
      var spins = 0
      while ticket.load(ordering: .acquiring) >> 32 == seen {
        spins &+= 1
        guard spins & 1023 == 0,
          index >= Parallel.threads - 1 || DispatchTime.now().uptimeNanoseconds - spinStart > Self.spinNanoseconds
        else { continue }
        // Park, unless a job was published meanwhile; `run` wakes every worker it finds parked.
        worker.sleeping.store(true, ordering: .sequentiallyConsistent)
        if ticket.load(ordering: .sequentiallyConsistent) >> 32 != seen {
          // Cancel the park; if `run` already claimed us, take its signal.
          if !worker.sleeping.exchange(false, ordering: .sequentiallyConsistent) { worker.wake.wait() }
        } else {
          worker.wake.wait()
        }
        spinStart = DispatchTime.now().uptimeNanoseconds
      }
      seen = ticket.load(ordering: .acquiring) >> 32
      work(generation: seen)
    }
  }
}

/// Hands a value to worker threads when the caller guarantees they use it safely (disjoint writes).
struct UncheckedSendable<T>: @unchecked Sendable {
  let value: T
  init(_ value: T) { self.value = value }
}
