import Foundation
import GraftEngine
import Synchronization
import Testing

/// The kernels split large tensors across the cores (element-wise ops, reductions and copies above
/// 65,536 elements, matrix products above 2²¹ multiply-adds). Small test tensors never take those
/// paths, so these use large ones and compare with element-by-element references computed here.
@Suite("Kernels on tensors large enough to be split across the cores")
struct ParallelKernelTests {
  static func random(_ shape: [Int], seed: UInt64) -> Tensor<Double> {
    var rng = RandomGenerator(seed: seed)
    return Tensor(randomNormal: shape, generator: &rng)
  }

  @Test func broadcastBinaryOpsMatchElementByElement() {
    let a = Self.random([64, 32, 8, 9], seed: 1)  // 147,456 elements
    let bias = Self.random([1, 32, 1, 1], seed: 2)
    let row = Self.random([9], seed: 3)
    let sum = a + bias
    let product = a * row
    for n in [0, 17, 63] {
      for c in [0, 5, 31] {
        for h in [0, 7] {
          for w in [0, 4, 8] {
            #expect(sum[n, c, h, w] == a[n, c, h, w] + bias[0, c, 0, 0])
            #expect(product[n, c, h, w] == a[n, c, h, w] * row[w])
          }
        }
      }
    }
    // A scalar on the left, broadcast over everything.
    let flipped = Tensor<Double>(2) - a
    #expect(flipped[40, 3, 2, 1] == 2 - a[40, 3, 2, 1])
  }

  @Test func unaryOpsCoverEveryChunk() {
    let a = Self.random([300_001], seed: 4)  // an odd count, so chunks are uneven
    let r = a.relu()
    for i in [0, 1, 150_000, 150_001, 300_000] { #expect(r.scalars[i] == max(a.scalars[i], 0)) }
    #expect(r.scalars.enumerated().allSatisfy { $0.element == max(a.scalars[$0.offset], 0) })
  }

  @Test(arguments: [[0], [1], [0, 2, 3], [3], [1, 2]])
  func sumsMatchSerialReference(_ axes: [Int]) {
    let a = Self.random([16, 24, 20, 20], seed: 5)  // 153,600 elements
    let s = a.sum(alongAxes: axes, keepingDims: true)
    // Reference: accumulate every element into its output cell.
    var expected = [Double](repeating: 0, count: s.count)
    let outShape = s.shape
    for n in 0..<16 {
      for c in 0..<24 {
        for h in 0..<20 {
          for w in 0..<20 {
            var index = [n, c, h, w]
            for axis in axes { index[axis] = 0 }
            let flat = ((index[0] * outShape[1] + index[1]) * outShape[2] + index[2]) * outShape[3] + index[3]
            expected[flat] += a[n, c, h, w]
          }
        }
      }
    }
    for (x, y) in zip(s.scalars, expected) { #expect(abs(x - y) <= 1e-9 * max(1, abs(y))) }
  }

  @Test func permuteMatchesIndexing() {
    let a = Self.random([8, 64, 16, 17], seed: 6)
    let p = a.permuted([1, 0, 3, 2])
    #expect(p.shape == [64, 8, 17, 16])
    for (n, c, h, w) in [(0, 0, 0, 0), (7, 63, 15, 16), (3, 31, 8, 0), (5, 40, 2, 9)] {
      #expect(p[c, n, w, h] == a[n, c, h, w])
    }
  }

  @Test(arguments: [(false, false), (false, true), (true, false), (true, true)])
  func largeProductsMatchReference(_ transposeA: Bool, _ transposeB: Bool) {
    // Both a wide (n ≥ m: split by columns) and a tall (m > n: split by rows) product.
    for (m, n, k) in [(96, 333, 80), (333, 96, 80)] {
      let a = Self.random(transposeA ? [k, m] : [m, k], seed: 7)
      let b = Self.random(transposeB ? [n, k] : [k, n], seed: 8)
      let c = matmul(a, b, transposeA: transposeA, transposeB: transposeB)
      #expect(c.shape == [m, n])
      for (i, j) in [(0, 0), (m - 1, n - 1), (m / 2, n / 3), (17, n - 5), (m - 3, 16), (15, 16)] {
        var expected = 0.0
        for p in 0..<k {
          let x = transposeA ? a[p, i] : a[i, p]
          let y = transposeB ? b[j, p] : b[p, j]
          expected += x * y
        }
        #expect(abs(c[i, j] - expected) <= 1e-10 * Double(k))
      }
    }
  }

  @Test func linearWithBiasMatchesReferenceInEachBlock() {
    // Large enough to be split: by rows (m > n) and by columns (n ≥ m), each block filling its own bias.
    for (m, n, k) in [(400, 96, 64), (96, 400, 64)] {
      let x = Self.random([m, k], seed: 11)
      let w = Self.random([n, k], seed: 12)
      let b = Self.random([n], seed: 13)
      let y = linear(x, weight: w, bias: b)
      for (i, j) in [(0, 0), (m - 1, n - 1), (m / 2, n / 3), (17, n - 5), (m - 3, 16), (15, 16), (0, n / 2 + 1)] {
        var expected = b[j]
        for p in 0..<k { expected += x[i, p] * w[j, p] }
        #expect(abs(y[i, j] - expected) <= 1e-10 * Double(k))
      }
    }
  }

  /// Box–Muller as a reader would write it from `nextUnitDouble`, with glibc's log, cos and sin.
  static func referenceNormals(_ g: inout RandomGenerator, count: Int) -> [Double] {
    var out: [Double] = []
    while out.count < count {
      let u1 = 1 - g.nextUnitDouble()
      let u2 = g.nextUnitDouble()
      let r = (-2 * Foundation.log(u1)).squareRoot()
      out.append(r * Foundation.cos(2 * Double.pi * u2))
      if out.count < count { out.append(r * Foundation.sin(2 * Double.pi * u2)) }
    }
    return out
  }

  @Test(arguments: [1, 2])
  func normalsTransformedTogetherMatchPairByPair(threads: Int) {
    let before = Parallel.threads
    defer { Runtime.setThreads(before) }
    Runtime.setThreads(threads)
    // Rows of an odd count with other draws between them (as the data samplers take them), then one
    // long run that is transformed on all cores.
    var g = RandomGenerator(seed: 21)
    var reference = g
    let (between, rows) = g.normalRows(3, count: 5) { $0.next() }
    var expected: [Double] = []
    for i in 0..<3 {
      #expect(reference.next() == between[i])
      expected += Self.referenceNormals(&reference, count: 5)
    }
    #expect(rows == expected)
    #expect(g == reference)
    let long = g.normals(count: 100_001)
    #expect(long == Self.referenceNormals(&reference, count: 100_001))
    #expect(g == reference)
  }

  /// Batch norm's kernels sweep images outer and channels inner, each thread over its own channels;
  /// the input's pullback hands its Σg·x̂ to the weight's. Neither may change a value.
  @Test func batchNormIsTheSameOnEveryThreadCountAndWithOrWithoutTheInputsGradient() throws {
    let before = Parallel.threads
    defer { Runtime.setThreads(before) }
    var rng = RandomGenerator(seed: 31)
    let x = Tensor<Float>(randomNormal: [64, 32, 8, 8], generator: &rng) * 3 + 1  // 131,072 elements
    let w = Tensor<Float>(randomNormal: [32], generator: &rng)
    let b = Tensor<Float>(randomNormal: [32], generator: &rng)
    let seed = Tensor<Float>(randomNormal: x.shape, generator: &rng)
    let otherSeed = Tensor<Float>(randomNormal: x.shape, generator: &rng)
    func run(threads: Int) throws -> (y: [Float], mean: [Float], variance: [Float], grads: [[Float]], wOnly: [Float]) {
      Runtime.setThreads(threads)
      let (tx, tw, tb) = (x.requiringGrad(), w.requiringGrad(), b.requiringGrad())
      let out = batchNorm(tx, weight: tw, bias: tb, epsilon: 1e-5)
      let grads = try gradients(of: out.output, withRespectTo: [tx, tw, tb], seed: seed)
      // The input's gradient alone, then the weight's alone for another g: the second must not take the
      // sums the first kept.
      _ = try gradients(of: out.output, withRespectTo: [tx], seed: seed)
      let wOnly = try gradients(of: out.output, withRespectTo: [tw], seed: otherSeed)[0]
      return (out.output.scalars, out.mean.scalars, out.variance.scalars, grads.map(\.scalars), wOnly.scalars)
    }
    let one = try run(threads: 1)
    let two = try run(threads: 2)
    #expect(one.y == two.y && one.mean == two.mean && one.variance == two.variance)
    #expect(one.grads == two.grads && one.wOnly == two.wOnly)
    // The weight's gradient for otherSeed, from a graph where nothing else was taken.
    let (tx, tw) = (x.requiringGrad(), w.requiringGrad())
    let fresh = try gradients(
      of: batchNorm(tx, weight: tw, bias: b, epsilon: 1e-5).output, withRespectTo: [tw], seed: otherSeed)[0]
    #expect(one.wOnly == fresh.scalars)
    #expect(one.wOnly != one.grads[1])
    // And the values themselves, against the definition in Double.
    let xd = Tensor<Double>(shape: x.shape, scalars: x.scalars.map(Double.init))
    let (m, v) = xd.moments(alongAxes: [0, 2, 3])
    let xhat = (xd - m) / (v + 1e-5).sqrt()
    let gd = Tensor<Double>(shape: x.shape, scalars: seed.scalars.map(Double.init))
    let weightGradient = (gd * xhat).sum(alongAxes: [0, 2, 3]).scalars
    for (c, expected) in weightGradient.enumerated() {
      #expect(abs(Double(one.grads[1][c]) - expected) <= 1e-4 * max(1, abs(expected)))
    }
    let yd =
      xhat * Tensor<Double>(shape: [1, 32, 1, 1], scalars: w.scalars.map(Double.init))
      + Tensor<Double>(shape: [1, 32, 1, 1], scalars: b.scalars.map(Double.init))
    #expect(zip(one.y, yd.scalars).allSatisfy { abs(Double($0) - $1) <= 1e-5 * max(1, abs($1)) })
  }

  @Test func piecesTakenInTurnCoverEveryIndexOnceWithScratchPerThread() {
    let before = Parallel.threads
    defer { Runtime.setThreads(before) }
    Runtime.setThreads(2)
    let count = 1000
    let seen = UnsafeMutableBufferPointer<Int>.allocate(capacity: count)
    seen.initialize(repeating: 0)
    defer { seen.deallocate() }
    let made = Atomic<Int>(0)
    let released = Atomic<Int>(0)
    let target = UncheckedBox(seen)
    Parallel.forEachChunk(
      of: count, work: 1 << 20, pieces: 64,
      scratch: { () -> [Int] in
        made.add(1, ordering: .relaxed)
        return [0]
      },
      release: { _ in released.add(1, ordering: .relaxed) }
    ) { range, scratch in
      #expect(scratch == [0])
      for i in range { target.value[i] += 1 }
    }
    #expect(seen.allSatisfy { $0 == 1 })
    // One per thread that took a piece, not one per piece (other tests may set up to 3 threads meanwhile).
    #expect((1...3).contains(made.load(ordering: .relaxed)))
    #expect(released.load(ordering: .relaxed) == made.load(ordering: .relaxed))
  }
}

/// Lets the pieces of one parallel call write disjoint parts of one buffer.
private struct UncheckedBox<T>: @unchecked Sendable {
  let value: T
  init(_ value: T) { self.value = value }
}
