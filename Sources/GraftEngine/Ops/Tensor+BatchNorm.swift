/// Batch normalization in training mode as one op: normalizes each channel with the batch's mean and
/// biased variance, then scales and shifts (PyTorch's `F.batch_norm(training=True)` without the running
/// statistics, which the layer keeps).
///
/// The composite of mean, subtract, square, divide, multiply and add costs about seven passes over the
/// activations forward and twenty backward; this op makes three and four. Its pullbacks are the closed-form
/// gradients; when the backward pass is itself recorded (`createGraph: true`) they are built from tensor
/// ops on `x`, so second derivatives stay exact.
///
/// - Parameters:
///   - x: [N, C] or [N, C, H, W].
///   - weight, bias: [C].
/// - Returns: the output (x's shape) and the batch mean and biased variance [C] (not differentiable).
public func batchNorm<S>(
  _ x: Tensor<S>, weight: Tensor<S>, bias: Tensor<S>, epsilon: S
) -> (output: Tensor<S>, mean: Tensor<S>, variance: Tensor<S>) {
  guard x.rank == 2 || x.rank == 4, weight.shape == [x.shape[1]], bias.shape == [x.shape[1]] else {
    fail(
      ShapeError(
        op: "batchNorm",
        "expected x [N, C] or [N, C, H, W] with weight and bias [C]; got \(x.shape), \(weight.shape), \(bias.shape)"))
  }
  let c = x.shape[1]
  let layout = BatchNormLayout(batch: x.shape[0], channels: c, spatial: x.rank == 4 ? x.shape[2] * x.shape[3] : 1)
  var mean = [S](repeating: 0, count: c)
  var variance = [S](repeating: 0, count: c)
  var invstd = [S](repeating: 0, count: c)
  let y = Tensor<S>(shape: x.shape) { out in
    x.scalars.withUnsafeBufferPointer { px in
      weight.scalars.withUnsafeBufferPointer { pw in
        bias.scalars.withUnsafeBufferPointer { pb in
          mean.withUnsafeMutableBufferPointer { pm in
            variance.withUnsafeMutableBufferPointer { pv in
              invstd.withUnsafeMutableBufferPointer { pi in
                S._batchNormForward(
                  px, pw, pb, epsilon: epsilon, layout, out: out, mean: pm, variance: pv, invstd: pi)
              }
            }
          }
        }
      }
    }
  }
  let axes = x.rank == 4 ? [0, 2, 3] : [0]
  let statShape = x.rank == 4 ? [1, c, 1, 1] : [1, c]
  let meanTensor = Tensor(shape: [c], scalars: mean)
  let invstdTensor = Tensor(shape: [c], scalars: invstd)

  /// x̂ built from tensor ops on x (tracked, for recorded backward passes).
  func normalizedByOps() -> (xhat: Tensor<S>, invstd: Tensor<S>) {
    let (m, v) = x.moments(alongAxes: axes)
    let inv = 1 / (v + epsilon).sqrt()
    return ((x - m) * inv, inv)
  }

  /// Runs the backward kernel: dx (unless `sumsOnly`) and the per-channel Σg and Σg·x̂.
  func backwardKernel(_ g: Tensor<S>, sumsOnly: Bool) -> (dx: Tensor<S>?, sumGXhat: Tensor<S>) {
    var sumG = [S](repeating: 0, count: c)
    var sumGXhat = [S](repeating: 0, count: c)
    var dx = S._filled(0, count: sumsOnly ? 0 : x.count)  // (specialised fill: a generic Array(repeating:) copies per element)
    g.scalars.withUnsafeBufferPointer { pg in
      x.scalars.withUnsafeBufferPointer { px in
        meanTensor.scalars.withUnsafeBufferPointer { pm in
          invstdTensor.scalars.withUnsafeBufferPointer { pi in
            weight.scalars.withUnsafeBufferPointer { pw in
              dx.withUnsafeMutableBufferPointer { pdx in
                sumG.withUnsafeMutableBufferPointer { psg in
                  sumGXhat.withUnsafeMutableBufferPointer { psgx in
                    S._batchNormBackward(pg, px, pm, pi, pw, layout, dx: pdx, sumG: psg, sumGXhat: psgx)
                  }
                }
              }
            }
          }
        }
      }
    }
    return (sumsOnly ? nil : Tensor(shape: x.shape, scalars: dx), Tensor(shape: [c], scalars: sumGXhat))
  }

  // The input's pullback runs first and its kernel already sums g·x̂; the weight's, next with the same g,
  // takes that sum instead of reading g and x again.
  let lastSums = LastBackwardSums<S>()
  let output = y.recorded("NativeBatchNormBackward", [x, weight, bias]) {
    [
      { g in
        guard GradMode.isEnabled else {
          let (dx, sumGXhat) = backwardKernel(g, sumsOnly: false)
          lastSums.keep(sumGXhat, for: g)
          return dx!
        }
        let (xhat, inv) = normalizedByOps()
        let meanG = g.mean(alongAxes: axes, keepingDims: true)
        let meanGX = (g * xhat).mean(alongAxes: axes, keepingDims: true)
        return weight.reshaped(to: statShape) * inv * (g - meanG - xhat * meanGX)
      },
      { g in
        guard GradMode.isEnabled else { return lastSums.take(for: g) ?? backwardKernel(g, sumsOnly: true).sumGXhat }
        return (g * normalizedByOps().xhat).sum(alongAxes: axes)
      },
      { g in g.sum(alongAxes: axes) },
    ]
  }
  return (output, meanTensor, Tensor(shape: [c], scalars: variance))
}

/// The Σg·x̂ of batch norm's last input pullback, with the g it was summed from: the weight's pullback
/// takes it when it is given the same g (the same storage, so the same values).
private final class LastBackwardSums<S: TensorScalar> {
  private var g: Tensor<S>?
  private var sumGXhat: Tensor<S>?

  func keep(_ sums: Tensor<S>, for g: Tensor<S>) {
    self.g = g
    sumGXhat = sums
  }

  /// The kept sums if `g` shares the kept gradient's storage (then forgotten), else nil.
  func take(for g: Tensor<S>) -> Tensor<S>? {
    defer { (self.g, sumGXhat) = (nil, nil) }
    guard let kept = self.g, kept.count == g.count else { return nil }
    let same = kept.scalars.withUnsafeBufferPointer { a in
      g.scalars.withUnsafeBufferPointer { b in a.baseAddress == b.baseAddress }
    }
    return same ? sumGXhat : nil
  }
}
