import GraftEngine
import GraftLayers
import Testing

/// A nested model: names must come out dotted and in declaration order.
struct NestedGenerator: Layer {
  var block1: ResidualBlock
  var head: Sequential

  init(generator: inout RandomGenerator) {
    block1 = ResidualBlock(2, 3, resample: .up, batchNorm: true, generator: &generator)
    head = Sequential(
      BatchNorm(features: 3), Function.relu, Conv2d(3, 1, kernelSize: 3, padding: 1, generator: &generator),
      Function.tanh)
  }

  func callAsFunction(_ x: Tensor<Float>) -> Tensor<Float> { head(block1(x)) }

  var parameterPaths: [ParameterPath<Self>] {
    paths(of: \.block1, named: "block1") + paths(of: \.head, named: "head")
  }

  var bufferPaths: [ParameterPath<Self>] {
    bufferPaths(of: \.block1, named: "block1") + bufferPaths(of: \.head, named: "head")
  }
}

@Suite("Layers: names, key paths, modes, initialisation")
struct LayerTests {
  @Test func parameterNamesAreDottedAndStable() {
    var rng = RandomGenerator(seed: 0)
    let model = NestedGenerator(generator: &rng)
    #expect(
      model.parameterPaths.map(\.name) == [
        "block1.bn1.weight", "block1.bn1.bias", "block1.conv1.weight", "block1.conv1.bias", "block1.bn2.weight",
        "block1.bn2.bias", "block1.conv2.weight", "block1.conv2.bias", "block1.shortcut.weight",
        "block1.shortcut.bias", "head.0.weight", "head.0.bias", "head.2.weight", "head.2.bias",
      ])
    #expect(
      model.bufferPaths.map(\.name) == [
        "block1.bn1.running_mean", "block1.bn1.running_var", "block1.bn2.running_mean", "block1.bn2.running_var",
        "head.0.running_mean", "head.0.running_var",
      ])
    #expect(
      model.parameterCount == 2 * 2 + (2 * 3 * 9 + 3) + 2 * 3 + (3 * 3 * 9 + 3) + (2 * 3 + 3) + 2 * 3 + (3 * 9 + 1))
  }

  @Test func keyPathsWriteThroughSequentialAndOptionals() {
    var rng = RandomGenerator(seed: 0)
    var model = NestedGenerator(generator: &rng)
    let paths = model.parameterPaths
    let conv = paths.first { $0.name == "head.2.weight" }!
    model[keyPath: conv.keyPath] = Tensor(zeros: [1, 3, 3, 3])
    #expect(model.head.layers[2].base is Conv2d)
    #expect((model.head.layers[2].base as! Conv2d).weight.scalars.allSatisfy { $0 == 0 })
    let shortcutBias = paths.first { $0.name == "block1.shortcut.bias" }!
    model[keyPath: shortcutBias.keyPath] = Tensor([7, 8, 9])
    #expect(model.block1.shortcut!.bias!.scalars == [7, 8, 9])
    var values = model.parameters
    values[0] = Tensor([5, 6])
    model.setParameters(values)
    #expect(model.block1.bn1!.weight.scalars == [5, 6])
  }

  @Test func gradientsReachEveryParameter() throws {
    var rng = RandomGenerator(seed: 1)
    let model = NestedGenerator(generator: &rng)
    let x = Tensor<Float>(randomNormal: [2, 2, 3, 3], generator: &rng)
    let (value, grads) = try model.valueWithGradient { m in m(x).squared().mean() }
    #expect(value.scalar.isFinite)
    #expect(grads.count == model.parameterPaths.count)
    for (path, g) in zip(model.parameterPaths, grads) {
      #expect(g.shape == model[keyPath: path.keyPath].shape)
      #expect(g.scalars.contains { $0 != 0 }, "no gradient reached \(path.name)")
    }
  }

  @Test func batchNormTrainAndEval() {
    let bn = BatchNorm(features: 2, momentum: 0.5)
    let x = Tensor<Float>(shape: [4, 2], scalars: [1, 10, 2, 20, 3, 30, 4, 40])
    let y = bn(x)
    // Training: each column normalized to mean 0, (biased) variance 1.
    #expect(abs(y.mean(alongAxis: 0).scalars[1]) < 1e-6)
    #expect(abs(y.variance(alongAxes: [0], correction: 0).scalars[0] - 1) < 1e-3)
    // Running stats moved halfway to the batch's mean and unbiased variance.
    #expect(bn.runningMean.scalars == [1.25, 12.5])
    #expect(abs(bn.runningVariance.scalars[0] - (0.5 + 0.5 * 5 / 3)) < 1e-5)
    let before = bn.runningMean
    let z = withLearningPhase(training: false) { bn(x) }
    #expect(bn.runningMean.scalars == before.scalars)
    let expected = (1 - 1.25) / (0.5 + 0.5 * 5 / 3 + 1e-5).squareRoot()
    #expect(abs(z[0, 0] - Float(expected)) < 1e-5)
  }

  @Test func defaultInitialisationMatchesPyTorchBounds() {
    var rng = RandomGenerator(seed: 2)
    let linear = Linear(100, 50, generator: &rng)
    let bound = 1 / Float(100).squareRoot()
    #expect(linear.weight.scalars.allSatisfy { abs($0) <= bound })
    #expect(linear.weight.scalars.map { abs($0) }.max()! > 0.9 * bound)
    let convT = ConvTranspose2d(8, 4, kernelSize: 4, generator: &rng)
    let tBound = 1 / Float(4 * 16).squareRoot()  // PyTorch's fan-in for a transposed conv: out·k²
    #expect(convT.weight.scalars.allSatisfy { abs($0) <= tBound })
    #expect(convT.weight.scalars.map { abs($0) }.max()! > 0.9 * tBound)
    let dcgan = Conv2d(16, 32, kernelSize: 4, initializer: .normal(std: 0.02), generator: &rng)
    let std = dcgan.weight.variance(alongAxes: [0, 1, 2, 3]).scalar.squareRoot()
    #expect(abs(std - 0.02) < 0.002)
    #expect(dcgan.bias!.scalars.allSatisfy { $0 == 0 })
    let he = Linear(200, 300, initializer: .kaimingNormal(), generator: &rng)
    #expect(abs(he.weight.variance(alongAxes: [0, 1]).scalar - 2 / 200) < 0.001)
  }
}
