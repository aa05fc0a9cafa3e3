import GraftEngine

/// Batch normalization over the channel dimension 1 of [N, C] (PyTorch's BatchNorm1d) or [N, C, H, W]
/// (BatchNorm2d), with PyTorch's training and evaluation behaviour.
///
/// Training: normalizes with the batch mean and biased variance, and moves the running statistics
/// toward the batch's (running variance with the unbiased estimate): r ← (1 − momentum)·r + momentum·batch.
/// Evaluation (`withLearningPhase(training: false)`): normalizes with the running statistics.
///
/// The running statistics live in a shared box: copies of a layer (an EMA copy of a generator, say)
/// share them, as they would share the module's buffers in PyTorch. `bufferPaths` reads and writes them.
public struct BatchNorm: Layer {
  /// Per-channel scale γ, [C].
  public var weight: Tensor<Float>
  /// Per-channel shift β, [C].
  public var bias: Tensor<Float>
  public let epsilon: Float
  public let momentum: Float
  let statistics: RunningStatistics

  public init(features: Int, epsilon: Float = 1e-5, momentum: Float = 0.1) {
    weight = Tensor(ones: [features])
    bias = Tensor(zeros: [features])
    self.epsilon = epsilon
    self.momentum = momentum
    statistics = RunningStatistics(features: features)
  }

  /// The running mean, [C].
  public var runningMean: Tensor<Float> {
    get { statistics.mean }
    nonmutating set { statistics.mean = newValue }
  }

  /// The running variance, [C].
  public var runningVariance: Tensor<Float> {
    get { statistics.variance }
    nonmutating set { statistics.variance = newValue }
  }

  public func callAsFunction(_ x: Tensor<Float>) -> Tensor<Float> {
    let c = weight.count
    guard x.rank == 2 || x.rank == 4, x.shape[1] == c else {
      fatalError("Graft BatchNorm: expected [N, \(c)] or [N, \(c), H, W], got \(x.shape)")
    }
    let statShape = x.rank == 2 ? [1, c] : [1, c, 1, 1]
    if LearningPhase.isTraining {
      let (output, mean, variance) = GraftEngine.batchNorm(x, weight: weight, bias: bias, epsilon: epsilon)
      let n = x.count / c
      withoutGradients {
        let unbiased = variance * (Float(n) / Float(max(n - 1, 1)))
        statistics.mean = statistics.mean * (1 - momentum) + mean * momentum
        statistics.variance = statistics.variance * (1 - momentum) + unbiased * momentum
      }
      return output
    }
    let mean = statistics.mean.reshaped(to: statShape)
    let variance = statistics.variance.reshaped(to: statShape)
    let normalized = (x - mean) / (variance + epsilon).sqrt()
    return normalized * weight.reshaped(to: statShape) + bias.reshaped(to: statShape)
  }

  public var parameterPaths: [ParameterPath<Self>] {
    [ParameterPath(name: "weight", keyPath: \.weight), ParameterPath(name: "bias", keyPath: \.bias)]
  }

  public var bufferPaths: [ParameterPath<Self>] {
    [
      ParameterPath(name: "running_mean", keyPath: \.runningMean),
      ParameterPath(name: "running_var", keyPath: \.runningVariance),
    ]
  }
}

/// The running mean and variance of a BatchNorm layer.
final class RunningStatistics {
  var mean: Tensor<Float>
  var variance: Tensor<Float>

  init(features: Int) {
    mean = Tensor(zeros: [features])
    variance = Tensor(ones: [features])
  }
}

/// Layer normalization over the trailing `normalizedShape` dimensions (PyTorch's `nn.LayerNorm`), with a
/// per-element affine transform of that shape.
public struct LayerNorm: Layer {
  public var weight: Tensor<Float>
  public var bias: Tensor<Float>
  public let normalizedShape: [Int]
  public let epsilon: Float

  public init(_ normalizedShape: [Int], epsilon: Float = 1e-5) {
    self.normalizedShape = normalizedShape
    self.epsilon = epsilon
    weight = Tensor(ones: normalizedShape)
    bias = Tensor(zeros: normalizedShape)
  }

  public func callAsFunction(_ x: Tensor<Float>) -> Tensor<Float> {
    let k = normalizedShape.count
    guard x.rank >= k, Array(x.shape.suffix(k)) == normalizedShape else {
      fatalError("Graft LayerNorm: input \(x.shape) does not end with the normalized shape \(normalizedShape)")
    }
    let axes = Array((x.rank - k)..<x.rank)
    let (mean, variance) = x.moments(alongAxes: axes)
    return (x - mean) / (variance + epsilon).sqrt() * weight + bias
  }

  public var parameterPaths: [ParameterPath<Self>] {
    [ParameterPath(name: "weight", keyPath: \.weight), ParameterPath(name: "bias", keyPath: \.bias)]
  }
}
