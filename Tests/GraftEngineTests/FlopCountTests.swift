import Foundation
import GraftEngine
import Synchronization
import Testing

/// The engine counts the FLOPs of the matrix products and convolutions it runs while a measurement is
/// open (`FlopCount`), on the thread that runs them. Serialized, though each thread counts its own: these
/// tests read one thread's total before and after.
@Suite("FLOP counting", .serialized)
struct FlopCountTests {
  /// 2·N·O·C·kh·kw·OH·OW: the FLOPs of each of the three convolution primitives.
  static func convolutionFlops(n: Int, o: Int, c: Int, kernel: Int, outHeight: Int, outWidth: Int) -> Int {
    2 * n * o * c * kernel * kernel * outHeight * outWidth
  }

  @Test func aMatrixProductCounts2mnk() {
    var g = Inputs(seed: 1)
    let (a, b) = (g.normal([3, 4]), g.normal([4, 5]))
    let (y, flops) = FlopCount.measure { matmul(a, b) }
    #expect(y.shape == [3, 5])
    #expect(flops == 2 * 3 * 5 * 4)
    // The transposed operands: a [4, 3]ᵀ · b [5, 4]ᵀ is again 3x4 times 4x5.
    let flipped = FlopCount.measure { matmul(a.transposed(), b.transposed(), transposeA: true, transposeB: true) }
    #expect(flipped.productFlops == 2 * 3 * 5 * 4)
  }

  @Test func batchedProductsCountEveryBatch() {
    var g = Inputs(seed: 2)
    let same = FlopCount.measure { matmul(g.normal([2, 3, 4]), g.normal([2, 4, 5])) }
    #expect(same.productFlops == 2 * 2 * 3 * 5 * 4)
    // A batch times one matrix (one tall product), and a broadcast batch dimension (expanded to 6).
    let tall = FlopCount.measure { matmul(g.normal([2, 3, 4]), g.normal([4, 5])) }
    #expect(tall.productFlops == 2 * 2 * 3 * 5 * 4)
    let broadcast = FlopCount.measure { matmul(g.normal([2, 1, 3, 4]), g.normal([3, 4, 2])) }
    #expect(broadcast.result.shape == [2, 3, 3, 2])
    #expect(broadcast.productFlops == 6 * 2 * 3 * 2 * 4)
  }

  @Test func linearCountsItsProductWithOrWithoutTheFusedBias() throws {
    var g = Inputs(seed: 3)
    let x = g.normal([5, 3]).requiringGrad()
    let w = g.normal([4, 3]).requiringGrad()
    let bias = g.normal([4]).requiringGrad()
    let forward = 2 * 5 * 4 * 3
    #expect(FlopCount.measure { linear(x, weight: w, bias: bias) }.productFlops == forward)
    #expect(FlopCount.measure { linear(x, weight: w, bias: nil) }.productFlops == forward)
    // Forward and backward: the two gradient products (g·W and gᵀ·x) are each as large as the forward.
    let (_, total) = try FlopCount.measure { () throws in
      try gradients(of: linear(x, weight: w, bias: bias).sum(), withRespectTo: [x, w, bias])
    }
    #expect(total == 3 * forward)
  }

  @Test func conv2dForwardAndBackwardCountTheClosedForm() throws {
    var g = Inputs(seed: 4)
    let x = g.normal([2, 3, 8, 8]).requiringGrad()
    let w = g.normal([4, 3, 3, 3]).requiringGrad()
    let bias = g.normal([4]).requiringGrad()
    // (8 + 2·1 − 3) / 2 + 1 = 4.
    let forward = Self.convolutionFlops(n: 2, o: 4, c: 3, kernel: 3, outHeight: 4, outWidth: 4)
    let (y, counted) = FlopCount.measure { conv2d(x, filter: w, bias: bias, stride: 2, padding: 1) }
    #expect(y.shape == [2, 4, 4, 4])
    #expect(counted == forward)
    // The backward: the input gradient and the filter gradient, each as many FLOPs as the forward (the
    // bias gradient is a sum, not counted).
    let (grads, backward) = try FlopCount.measure { () throws in
      try gradients(of: y, withRespectTo: [x, w, bias], seed: g.normal([2, 4, 4, 4]))
    }
    #expect(grads.map(\.shape) == [[2, 3, 8, 8], [4, 3, 3, 3], [4]])
    #expect(backward == 2 * forward)
  }

  @Test func transposedConvolutionCountsAsTheConvolutionItIsTheAdjointOf() {
    var g = Inputs(seed: 5)
    // [2, 4, 5, 5] → [2, 3, 10, 10]: the adjoint of a convolution from [2, 3, 10, 10] to [2, 4, 5, 5].
    let (y, flops) = FlopCount.measure {
      convTranspose2d(g.normal([2, 4, 5, 5]), filter: g.normal([4, 3, 4, 4]), stride: 2, padding: 1)
    }
    #expect(y.shape == [2, 3, 10, 10])
    #expect(flops == Self.convolutionFlops(n: 2, o: 4, c: 3, kernel: 4, outHeight: 5, outWidth: 5))
  }

  @Test func opsOutsideAMeasurementAddNothing() {
    var g = Inputs(seed: 6)
    let (a, b) = (g.normal([16, 16]), g.normal([16, 16]))
    let x = g.normal([1, 2, 6, 6])
    let w = g.normal([3, 2, 3, 3])
    let before = FlopCount.total
    _ = matmul(a, b)
    _ = linear(a, weight: b, bias: g.normal([16]))
    _ = conv2d(x, filter: w, padding: 1)
    #expect(FlopCount.total == before)
    // And inside one, the same ops add exactly their FLOPs to the total.
    let (_, flops) = FlopCount.measure { _ = matmul(a, b) }
    #expect(flops == 2 * 16 * 16 * 16)
    #expect(FlopCount.total == before + flops)
  }

  /// Another thread's products, run while a measurement is open here (a concurrent test, say), do not
  /// count in it; its own measurement counts them.
  @Test func anotherThreadsWorkDoesNotCount() {
    var g = Inputs(seed: 8)
    let (a, b) = (g.normal([8, 8]), g.normal([8, 8]))
    // The other thread's second product runs while this thread's measurement is open, and only then.
    let (started, go, done) = (DispatchSemaphore(value: 0), DispatchSemaphore(value: 0), DispatchSemaphore(value: 0))
    let elsewhere = Atomic<Int>(-1)
    Thread.detachNewThread {
      let (_, flops) = FlopCount.measure {
        _ = matmul(a, b)
        started.signal()
        go.wait()
        _ = matmul(a, b)
      }
      elsewhere.store(flops, ordering: .releasing)
      done.signal()
    }
    started.wait()
    let (_, flops) = FlopCount.measure {
      go.signal()
      done.wait()
      for _ in 0..<50 { _ = matmul(a, b) }
    }
    #expect(flops == 50 * 2 * 8 * 8 * 8)
    #expect(elsewhere.load(ordering: .acquiring) == 2 * 2 * 8 * 8 * 8)
  }

  @Test func nestedMeasurementsEachCountTheirOwnStretch() {
    var g = Inputs(seed: 7)
    let (a, b) = (g.normal([4, 6]), g.normal([6, 8]))
    let (inner, outer) = FlopCount.measure { () -> Int in
      _ = matmul(a, b)
      return FlopCount.measure { _ = matmul(a, b) }.productFlops
    }
    #expect(inner == 2 * 4 * 8 * 6)
    #expect(outer == 2 * inner)
  }
}
