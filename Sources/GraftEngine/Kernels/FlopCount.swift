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
/// The ops count themselves, on whatever thread calls them; the count is process-wide, so work that
/// other threads run while a measurement is open counts too. Outside measurements an op pays one
/// relaxed atomic load.
public enum FlopCount {
  /// Measurements open now: ops add to `counted` only while this is above zero.
  private static let open = Atomic<Int>(0)
  /// Product and convolution FLOPs counted while measurements were open, since the process started.
  private static let counted = Atomic<Int>(0)

  /// Runs `body` and returns its result with the matrix-product and convolution FLOPs of the ops it ran.
  /// Measurements may nest; each gets the count of its own stretch.
  public static func measure<R, E: Error>(_ body: () throws(E) -> R) throws(E) -> (result: R, productFlops: Int) {
    open.add(1, ordering: .sequentiallyConsistent)
    defer { open.subtract(1, ordering: .sequentiallyConsistent) }
    let start = counted.load(ordering: .sequentiallyConsistent)
    let result = try body()
    return (result, counted.load(ordering: .sequentiallyConsistent) - start)
  }

  /// The product and convolution FLOPs counted so far, over every measurement of the process (what a
  /// test reads to see that ops outside measurements add nothing).
  public static var total: Int { counted.load(ordering: .sequentiallyConsistent) }

  /// Adds `flops` to the count when a measurement is open.
  @inline(__always)
  static func addProduct(_ flops: Int) {
    guard open.load(ordering: .relaxed) > 0 else { return }
    counted.add(flops, ordering: .relaxed)
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
