import GraftEngine
import GraftLayers

/// The paper's synthetic setting (PAPER.md, "Our concrete version"): a one-hidden-layer linear
/// generator whose neurons can each learn one mode, and a cubic discriminator.

/// G(z) = Vᵀz: neuron i is the row v_i of `neurons` [m_G, d]. With one-hot latent codes (the default)
/// each sample is exactly one neuron's vector.
public struct TheoryGenerator: Layer {
  /// [m_G, d].
  public var neurons: Tensor<Float>

  /// Small Gaussian initialisation N(0, σ0²), σ0 = `initScale`/√d by default 0.1/√d.
  public init(neurons count: Int, dimension: Int, initScale: Float = 0.1, generator: inout RandomGenerator) {
    neurons = Tensor(
      randomNormal: [count, dimension], standardDeviation: initScale / Float(dimension).squareRoot(),
      generator: &generator)
  }

  /// [N, m_G] latent codes → [N, d].
  public func callAsFunction(_ z: Tensor<Float>) -> Tensor<Float> { matmul(z, neurons) }

  public var parameterPaths: [ParameterPath<Self>] { [ParameterPath(name: "neurons", keyPath: \.neurons)] }
}

/// D(x) = a·Σ_i ⟨w_i, x⟩ᵖ + b (p = 3 by default); returns the logit, so sigmoid(D) is the probability
/// of "real".
public struct TheoryDiscriminator: Layer {
  /// [m_D, d].
  public var neurons: Tensor<Float>
  /// Output scale a, [1].
  public var scale: Tensor<Float>
  /// Output bias b, [1].
  public var bias: Tensor<Float>
  public let power: Int
  /// Whether `scale` is a trained parameter; when not, it stays at 1 (the analysis' fixed a = 1).
  public let trainsScale: Bool
  /// Whether `bias` is a trained parameter; when not, it stays at 0.
  public let trainsBias: Bool

  /// Neurons drawn from N(0, σ0²), σ0 = `initScale`/√d; a = 1, b = 0.
  public init(
    neurons count: Int, dimension: Int, power: Int = 3, initScale: Float = 0.1, trainsScale: Bool = true,
    trainsBias: Bool = true, generator: inout RandomGenerator
  ) {
    neurons = Tensor(
      randomNormal: [count, dimension], standardDeviation: initScale / Float(dimension).squareRoot(),
      generator: &generator)
    scale = Tensor([1])
    bias = Tensor([0])
    self.power = power
    self.trainsScale = trainsScale
    self.trainsBias = trainsBias
  }

  /// [N, d] → [N, 1].
  public func callAsFunction(_ x: Tensor<Float>) -> Tensor<Float> {
    let activations = matmul(x, neurons, transposeB: true).pow(Float(power))
    return activations.sum(alongAxis: 1, keepingDims: true) * scale + bias
  }

  /// The neurons, then a and b where they are trained: a parameter left out gets no gradient and no
  /// update (and is not checkpointed, as it never leaves its initial value).
  public var parameterPaths: [ParameterPath<Self>] {
    [ParameterPath(name: "neurons", keyPath: \.neurons)]
      + (trainsScale ? [ParameterPath(name: "scale", keyPath: \.scale)] : [])
      + (trainsBias ? [ParameterPath(name: "bias", keyPath: \.bias)] : [])
  }
}
