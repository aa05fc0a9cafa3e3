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
  ///
  /// By default there is one sub-range per thread. With `pieces`, there are that many (at most), and
  /// the threads take them in turn as they finish: when one core runs slower than the other (on a
  /// virtual machine they often do, by a third for seconds at a time), the faster takes more pieces.
  public static func forEachChunk(of count: Int, work: Int, pieces: Int? = nil, _ body: (Range<Int>) -> Void) {
    forEachChunk(of: count, work: work, pieces: pieces, scratch: {}, release: { _ in }) { range, _ in body(range) }
  }

  /// `forEachChunk` with scratch space per thread: `scratch` runs at most once on each thread that
  /// takes a piece, every piece that thread runs gets its result, and `release` frees each at the end.
  public static func forEachChunk<Scratch>(
    of count: Int, work: Int, pieces: Int? = nil, scratch: () -> Scratch, release: (Scratch) -> Void,
    _ body: (Range<Int>, Scratch) -> Void
  ) {
    let threads = self.threads
    let chunks = min(pieces ?? threads, count)
    if chunks <= 1 || work < 1 << 16 {
      let s = scratch()
      body(0..<count, s)
      release(s)
      return
    }
    let slots = UnsafeMutablePointer<Scratch?>.allocate(capacity: threads)
    slots.initialize(repeating: nil, count: threads)
    defer {
      for t in 0..<threads { if let s = slots[t] { release(s) } }
      slots.deinitialize(count: threads)
      slots.deallocate()
    }
    withoutActuallyEscaping(scratch) { scratch in
      withoutActuallyEscaping(body) { body in
        // Slot `thread` is only ever touched by the one thread running as `thread`.
        let slotsPointer = UncheckedSendable(slots)
        let piece: (Int, Int) -> Void = { chunk, thread in
          let slot = slotsPointer.value + thread
          if slot.pointee == nil { slot.pointee = scratch() }
          body(count * chunk / chunks..<count * (chunk + 1) / chunks, slot.pointee!)
        }
        if WorkerPool.shared.run(chunks: chunks, threads: threads, piece) { return }
        // The pool is busy (a kernel called from inside another, or a second thread training at the
        // same time): GCD's threads instead, each taking every `threads`-th piece.
        let task = UncheckedSendable(piece)
        DispatchQueue.concurrentPerform(iterations: min(chunks, threads)) { thread in
          for chunk in stride(from: thread, to: chunks, by: threads) { task.value(chunk, thread) }
        }
      }
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
  private var job: ((Int, Int) -> Void)?
  /// The current job's thread count: workers numbered at or above it take none of its chunks.
  private let jobThreads = Atomic<Int>(0)
  /// Only the thread holding `busy` touches this.
  private var workers: [Worker] = []

  /// Runs `job(chunk, thread)` for each chunk in 0..<chunks on the caller (thread 0) and up to
  /// `threads` − 1 workers (threads 1...); false (and nothing run) when the pool is already busy.
  func run(chunks: Int, threads: Int, _ body: @escaping (_ chunk: Int, _ thread: Int) -> Void) -> Bool {
    guard chunks < 1 << 16, busy.compareExchange(expected: false, desired: true, ordering: .acquiring).exchanged
    else { return false }
    // One worker per thread besides this one; more pieces than threads are taken in turn.
    let helpers = min(chunks, threads) - 1
    while workers.count < helpers { startWorker() }
    job = body
    jobThreads.store(threads, ordering: .relaxed)
    let generation = (ticket.load(ordering: .relaxed) >> 32) &+ 1
    ticket.store(generation << 32 | chunks << 16, ordering: .sequentiallyConsistent)
    for worker in workers[..<helpers] where worker.sleeping.exchange(false, ordering: .sequentiallyConsistent) {
      worker.wake.signal()
    }
    work(generation: generation, thread: 0)
    while active.load(ordering: .acquiring) > 0 {}
    job = nil
    busy.store(false, ordering: .releasing)
    return true
  }

  /// Takes chunks of job `generation` until none is left.
  private func work(generation: Int, thread: Int) {
    active.add(1, ordering: .acquiringAndReleasing)
    defer { active.subtract(1, ordering: .acquiringAndReleasing) }
    while true {
      let t = ticket.load(ordering: .acquiring)
      let (count, next) = ((t >> 16) & 0xFFFF, t & 0xFFFF)
      guard t >> 32 == generation, next < count else { return }
      if ticket.compareExchange(expected: t, desired: t &+ 1, ordering: .acquiringAndReleasing).exchanged {
        runChunk(next, thread: thread)
      }
    }
  }

  @inline(never)
  private func runChunk(_ chunk: Int, thread: Int) {
    job?(chunk, thread)
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
      if index + 1 < jobThreads.load(ordering: .relaxed) { work(generation: seen, thread: index + 1) }
    }
  }
}

/// Hands a value to worker threads when the caller guarantees they use it safely (disjoint writes).
struct UncheckedSendable<T>: @unchecked Sendable {
  let value: T
  init(_ value: T) { self.value = value }
}
