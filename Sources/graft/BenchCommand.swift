import ArgumentParser
import Foundation
import GraftEngine

/// Times the engine's matrix product (and raw OpenBLAS beside it) and a DCGAN-sized conv2d forward and
/// backward; prints JSON that Benchmarks/torch_bench.py compares with PyTorch.
struct BenchCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "bench",
    abstract:
      "Benchmark matmul and conv2d; prints JSON (compare with: python3 Benchmarks/torch_bench.py --compare ...).")

  @Option(help: "OpenBLAS threads.") var threads: Int = 2
  @Option(help: "Minimum timed seconds per measurement.") var minSeconds: Double = 1
  @Option(help: "Minimum repetitions per measurement.") var minReps: Int = 20
  @Flag(help: "Only the conv2d measurement (for profiling).") var convOnly = false

  func run() throws {
    Runtime.setBLASThreads(threads)
    var rng = RandomGenerator(seed: 0)
    var graftGFlops: [String: Double] = [:]
    var blasGFlops: [String: Double] = [:]
    for n in convOnly ? [] : [256, 512, 1024] {
      let a = Tensor<Float>(randomNormal: [n, n], generator: &rng)
      let b = Tensor<Float>(randomNormal: [n, n], generator: &rng)
      let flops = 2 * pow(Double(n), 3)
      var c = [Float](repeating: 0, count: n * n)
      // Interleaved, so that the machine's noise falls on both alike.
      let (viaTensor, viaBLAS) = medians(
        { _ = matmul(a, b) },
        {
          a.scalars.withUnsafeBufferPointer { pa in
            b.scalars.withUnsafeBufferPointer { pb in
              c.withUnsafeMutableBufferPointer { pc in
                Float._gemm(
                  transA: false, transB: false, m: n, n: n, k: n, alpha: 1, a: pa.baseAddress!, lda: n,
                  b: pb.baseAddress!, ldb: n, beta: 0, c: pc.baseAddress!, ldc: n)
              }
            }
          }
        })
      graftGFlops["\(n)"] = flops / viaTensor / 1e9
      blasGFlops["\(n)"] = flops / viaBLAS / 1e9
    }

    let x = Tensor<Float>(randomNormal: [64, 64, 16, 16], generator: &rng).requiringGrad()
    let w = (Tensor<Float>(randomNormal: [128, 64, 4, 4], generator: &rng) * 0.02).requiringGrad()
    let bias = Tensor<Float>(zeros: [128]).requiringGrad()
    let seed = Tensor<Float>(randomNormal: [64, 128, 8, 8], generator: &rng)
    let convSeconds = try median {
      let y = conv2d(x, filter: w, bias: bias, stride: 2, padding: 1)
      _ = try gradients(of: y, withRespectTo: [x, w, bias], seed: seed)
    }

    if convOnly {
      // Where the conv2d time goes, piece by piece (printed to stderr for profiling).
      let g = ConvGeometry(
        batch: 64, channels: 64, height: 16, width: 16, kernelHeight: 4, kernelWidth: 4, stride: 2, padding: 1)
      let xd = x.detached()
      let cols = xd.im2col(g)
      let w2 = w.detached().reshaped(to: [128, 1024])
      let prod = matmul(w2, cols)
      let pieces: [(String, () -> Void)] = [
        ("forward", { _ = conv2d(xd, filter: w.detached(), bias: bias.detached(), stride: 2, padding: 1) }),
        ("im2col", { _ = xd.im2col(g) }),
        ("col2im", { _ = cols.col2im(g) }),
        ("gemm W·cols", { _ = matmul(w2, cols) }),
        ("gemm g·colsT", { _ = matmul(prod, cols, transposeB: true) }),
        ("gemm WT·g", { _ = matmul(w2, prod, transposeA: true) }),
        ("permute out", { _ = prod.reshaped(to: [128, 64, 8, 8]).permuted([1, 0, 2, 3]) }),
        ("bias add", { _ = seed + bias.detached().reshaped(to: [1, 128, 1, 1]) }),
        ("bias grad", { _ = seed.sumToShape([1, 128, 1, 1]) }),
      ]
      for (name, body) in pieces {
        FileHandle.standardError.write(
          String(format: "%-14@ %8.3f ms\n", name, median(body) * 1000).data(using: .utf8)!)
      }
    }

    let result: [String: Any] = [
      "matmul_gflops": graftGFlops, "openblas_gflops": blasGFlops, "conv2d_fwd_bwd_ms": convSeconds * 1000,
      "threads": threads, "openblas_core": Runtime.blasCoreName,
    ]
    let data = try JSONSerialization.data(withJSONObject: result, options: [.sortedKeys])
    print(String(decoding: data, as: UTF8.self))
  }

  /// Median wall times in seconds of two bodies run alternately, after three warm-up runs of each.
  func medians(_ first: () -> Void, _ second: () -> Void) -> (Double, Double) {
    for _ in 0..<3 {
      first()
      second()
    }
    var a: [Double] = []
    var b: [Double] = []
    var total = 0.0
    while a.count < minReps || total < minSeconds {
      let t0 = DispatchTime.now().uptimeNanoseconds
      first()
      let t1 = DispatchTime.now().uptimeNanoseconds
      second()
      let t2 = DispatchTime.now().uptimeNanoseconds
      a.append(Double(t1 - t0) / 1e9)
      b.append(Double(t2 - t1) / 1e9)
      total += Double(t2 - t0) / 1e9
    }
    a.sort()
    b.sort()
    return (a[a.count / 2], b[b.count / 2])
  }

  /// Median wall time in seconds of `body`, after three warm-up runs.
  func median(_ body: () throws -> Void) rethrows -> Double {
    for _ in 0..<3 { try body() }
    var times: [Double] = []
    var total = 0.0
    while times.count < minReps || total < minSeconds {
      let start = DispatchTime.now().uptimeNanoseconds
      try body()
      let t = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
      times.append(t)
      total += t
    }
    times.sort()
    return times[times.count / 2]
  }
}
