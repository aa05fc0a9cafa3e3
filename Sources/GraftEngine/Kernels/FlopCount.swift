import Glibc
import Synchronization

/// Counts the floating-point operations of the work the engine runs, while a measurement is open, so
/// that a benchmark states its work from the ops it ran rather than from a formula typed in.
///
/// What counts: matrix products (`matmul`, its batched primitive, the fused `linear`) and the three
/// convolution primitives (convolution, its input gradient = the transposed convolution, its filter
/// gradient), 2 operations per multiply-add (m·n·k of them in an m×k by k×n product). These are
/// `productFlops`, the work that a matrix-product peak is the right yardstick for. Element-wise ops,
/// reductions, batch norm and bias additions are not counted.
///
/// The ops count themselves on the thread that calls them, into that thread's open measurements: work
/// another thread runs meanwhile (a concurrent test, a data-loading thread) does not leak in. The engine's
/// parallel kernels count once, at the op, on the calling thread. Outside measurements an op pays one
/// relaxed atomic load.
public enum FlopCount {
  /// Measurements open now on any thread: only then does an op look up its thread's count.
  private static let open = Atomic<Int>(0)
  /// Each thread's count, created on its first measurement and freed when the thread ends.
  private static let key: pthread_key_t = {
    var key = pthread_key_t()
    pthread_key_create(&key) { $0?.deallocate() }
    return key
  }()

  /// This thread's measurements open now and the FLOPs counted while one was.
  private struct ThreadCount {
    var open = 0
    var counted = 0
  }

  private static var thisThread: UnsafeMutablePointer<ThreadCount> {
    if let state = pthread_getspecific(key) { return state.assumingMemoryBound(to: ThreadCount.self) }
    let state = UnsafeMutablePointer<ThreadCount>.allocate(capacity: 1)
    state.initialize(to: ThreadCount())
    pthread_setspecific(key, state)
    return state
  }

  /// Runs `body` and returns its result with the matrix-product and convolution FLOPs of the ops it ran
  /// on this thread. Measurements may nest; each gets the count of its own stretch.
  public static func measure<R, E: Error>(_ body: () throws(E) -> R) throws(E) -> (result: R, productFlops: Int) {
    let state = thisThread
    state.pointee.open += 1
    open.add(1, ordering: .sequentiallyConsistent)
    defer {
      open.subtract(1, ordering: .sequentiallyConsistent)
      state.pointee.open -= 1
    }
    let start = state.pointee.counted
    let result = try body()
    return (result, state.pointee.counted - start)
  }

  /// The product and convolution FLOPs this thread has counted so far, over all its measurements (what a
  /// test reads to see that ops outside measurements add nothing).
  public static var total: Int { thisThread.pointee.counted }

  /// Adds `flops` to this thread's count when a measurement is open on it.
  @inline(__always)
  static func addProduct(_ flops: Int) {
    guard open.load(ordering: .relaxed) > 0, let state = pthread_getspecific(key) else { return }
    let count = state.assumingMemoryBound(to: ThreadCount.self)
    if count.pointee.open > 0 { count.pointee.counted &+= flops }
  }

  /// Adds the FLOPs of a matrix product: `batches` products of m×k by k×n.
  @inline(__always)
  static func addProduct(batches: Int = 1, m: Int, n: Int, k: Int) {
    addProduct(2 &* batches &* m &* n &* k)
  }

  /// Adds the FLOPs of one of the three convolution primitives on geometry `g` with `o` output channels:
  /// each is 2·N·O·C·kh·kw·OH·OW (a product of [O, C·kh·kw] by [C·kh·kw, N·OH·OW], however computed).
  @inline(__always)
  static func addConvolution(_ g: ConvGeometry, outChannels o: Int) {
    addProduct(batches: 1, m: o, n: g.batch &* g.outHeight &* g.outWidth, k: g.rows)
  }
}
