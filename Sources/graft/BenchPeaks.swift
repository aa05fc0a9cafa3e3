import Dispatch
import GraftEngine

/// The two limits `graft bench` holds each workload against, measured in every round next to the
/// workload (this machine's speed drifts within seconds, so a peak taken once would compare with times
/// taken minutes later):
/// - the **sgemm peak**: Graft's own matrix product (`GraftEngine.matmul`, the path every product and
///   convolution of a workload goes through) on a large square product, on the bench's threads;
/// - the **FMA peak**: the widest fused multiply-add loop the CPU runs (`FMAPeak`), on each of the
///   bench's threads at once: what no kernel can exceed.
struct BenchPeaks {
  /// The side of the square product.
  let size: Int
  /// Threads for both measurements (the bench's `--threads`, already set for the kernels).
  let threads: Int
  /// Its FLOPs, as the engine counts them (2·size³).
  let sgemmFlops: Int
  private let a: Tensor<Float>
  private let b: Tensor<Float>

  init(size: Int, threads: Int) {
    var rng = RandomGenerator(seed: 7)
    let a = Tensor<Float>(randomNormal: [size, size], generator: &rng)
    let b = Tensor<Float>(randomNormal: [size, size], generator: &rng)
    (self.a, self.b, self.size, self.threads) = (a, b, size, threads)
    sgemmFlops = FlopCount.measure { GraftEngine.matmul(a, b) }.productFlops
  }

  /// GFLOP/s of the product: the median of three timed products after `warmup` untimed ones.
  func sgemmGFLOPS(warmup: Int) -> Double {
    for _ in 0..<warmup { _ = GraftEngine.matmul(a, b) }
    let times = (0..<3).map { _ in
      let start = DispatchTime.now().uptimeNanoseconds
      _ = GraftEngine.matmul(a, b)
      return Double(DispatchTime.now().uptimeNanoseconds - start)
    }
    return Double(sgemmFlops) / times.sorted()[1]
  }

  /// GFLOP/s of the FMA loop on every thread at once: the median of three 50 ms runs; nil without one.
  func fmaGFLOPS() -> Double? {
    let runs = (0..<3).compactMap { _ in FMAPeak.measure(threads: threads, seconds: 0.05) }
    return runs.count == 3 ? runs.sorted()[1] : nil
  }
}
