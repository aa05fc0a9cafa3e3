import Foundation
import GraftEngine
import GraftLayers
import GraftOptimizers
import GraftTestSupport
import Testing

/// A case of Fixtures/layers.json or optimizers.json, written by Scripts/make_layer_fixtures.py
/// (PyTorch 2.13, float32, CPU; the torch code for every case is in that script).
struct FixtureCase: Decodable, CustomTestStringConvertible {
  enum Value: Decodable {
    case number(Double)
    case flag(Bool)
    case list([Double])
    init(from decoder: Decoder) throws {
      let c = try decoder.singleValueContainer()
      if let b = try? c.decode(Bool.self) {
        self = .flag(b)
      } else if let d = try? c.decode(Double.self) {
        self = .number(d)
      } else {
        self = .list(try c.decode([Double].self))
      }
    }
  }

  let name: String
  let layer: String?
  let optimizer: String?
  let mode: String?
  let config: [String: Value]
  let tensors: [String: FixtureTensor]
  /// optimizer_state.json: the number of steps and the steps after which the state was stored.
  let steps: Int?
  let checkpoints: [Int]?

  var testDescription: String { name }

  func tensor(_ key: String) -> Tensor<Float> {
    guard let t = tensors[key] else { fatalError("fixture \(name) lacks tensor \(key)") }
    return t.floats
  }

  func int(_ key: String) -> Int { Int(number(key)!) }
  func number(_ key: String) -> Double? {
    if case .number(let v)? = config[key] { return v }
    return nil
  }
  func flag(_ key: String) -> Bool? {
    if case .flag(let v)? = config[key] { return v }
    return nil
  }
  func list(_ key: String) -> [Double]? {
    if case .list(let v)? = config[key] { return v }
    return nil
  }
}

func loadFixture(_ file: String) -> [FixtureCase] {
  fixtureCases(file, in: .module, writtenBy: "Scripts/make_layer_fixtures.py")
}

@Suite("Layers against PyTorch (committed fixtures)")
struct TorchGoldenLayerTests {
  static func makeLayer(_ c: FixtureCase) -> AnyLayer {
    var rng = RandomGenerator(seed: 0)  // every parameter is overwritten from the fixture
    switch c.layer! {
    case "linear": return AnyLayer(Linear(c.int("in"), c.int("out"), bias: c.flag("bias")!, generator: &rng))
    case "conv2d":
      return AnyLayer(
        Conv2d(
          c.int("in"), c.int("out"), kernelSize: c.int("kernel"), stride: c.int("stride"), padding: c.int("padding"),
          bias: c.flag("bias")!, generator: &rng))
    case "conv_transpose2d":
      return AnyLayer(
        ConvTranspose2d(
          c.int("in"), c.int("out"), kernelSize: c.int("kernel"), stride: c.int("stride"), padding: c.int("padding"),
          outputPadding: c.int("output_padding"), bias: c.flag("bias")!, generator: &rng))
    case "batchnorm1d", "batchnorm2d":
      return AnyLayer(
        BatchNorm(features: c.int("features"), epsilon: Float(c.number("eps")!), momentum: Float(c.number("momentum")!))
      )
    case "layernorm": return AnyLayer(LayerNorm(c.list("shape")!.map { Int($0) }, epsilon: Float(c.number("eps")!)))
    case "relu": return AnyLayer(Function.relu)
    case "leaky_relu": return AnyLayer(Function.leakyRelu(slope: Float(c.number("slope")!)))
    case "tanh": return AnyLayer(Function.tanh)
    case "sigmoid": return AnyLayer(Function.sigmoid)
    case "softplus": return AnyLayer(Function.softplus)
    case "resblock_up":
      return AnyLayer(ResidualBlock(c.int("in"), c.int("out"), resample: .up, batchNorm: true, generator: &rng))
    case "resblock_down":
      return AnyLayer(ResidualBlock(c.int("in"), c.int("out"), resample: .down, batchNorm: false, generator: &rng))
    default: fatalError("unknown layer kind \(c.layer!)")
    }
  }

  @Test(arguments: loadFixture("layers"))
  func layerMatchesTorch(_ c: FixtureCase) throws {
    var layer = Self.makeLayer(c)
    let paths = layer.parameterPaths
    #expect(Set(paths.map { "param." + $0.name }) == Set(c.tensors.keys.filter { $0.hasPrefix("param.") }))
    for path in paths { layer[keyPath: path.keyPath] = c.tensor("param." + path.name) }
    for path in layer.bufferPaths { layer[keyPath: path.keyPath] = c.tensor("buffer." + path.name) }

    var tracked = layer
    for path in paths { tracked[keyPath: path.keyPath] = tracked[keyPath: path.keyPath].requiringGrad() }
    let x = c.tensor("input").requiringGrad()
    let out = withLearningPhase(training: c.mode == "train") { tracked(x) }
    expectClose(out, c.tensor("output"), "\(c.name) output")
    let grads = try gradients(
      of: out, withRespectTo: [x] + paths.map { tracked[keyPath: $0.keyPath] }, seed: c.tensor("grad_output"))
    expectClose(grads[0], c.tensor("grad_input"), "\(c.name) grad_input")
    for (path, g) in zip(paths, grads.dropFirst()) {
      if c.layer == "resblock_up" && path.name == "conv1.bias" {
        // conv1 feeds a batch norm in training mode, which removes any per-channel shift: this gradient
        // is exactly zero in exact arithmetic, and both PyTorch's and ours are rounding noise. Check that
        // both are negligible next to the weight's gradient instead of comparing the noise.
        let weightScale = c.tensor("grad.conv1.weight").scalars.map { abs($0) }.max()!
        #expect(g.scalars.allSatisfy { abs($0) < 1e-4 * weightScale })
        #expect(c.tensor("grad.conv1.bias").scalars.allSatisfy { abs($0) < 1e-4 * weightScale })
        continue
      }
      expectClose(g, c.tensor("grad." + path.name), "\(c.name) grad.\(path.name)")
    }
    for path in layer.bufferPaths {
      expectClose(layer[keyPath: path.keyPath], c.tensor("buffer_after." + path.name), "\(c.name) buffer \(path.name)")
    }
  }
}

@Suite("Optimizers against torch.optim over 50 steps (committed fixtures)")
struct TorchGoldenOptimizerTests {
  /// The optimizer with the case's torch keyword arguments, taken as the doubles torch was given.
  static func makeOptimizer(_ c: FixtureCase) -> any Optimizer {
    let lr = c.number("lr")!
    let wd = c.number("weight_decay") ?? 0
    let momentum = c.number("momentum") ?? 0
    switch c.optimizer! {
    case "sgd":
      return SGD(
        learningRate: lr, momentum: momentum, dampening: c.number("dampening") ?? 0,
        nesterov: c.flag("nesterov") ?? false, weightDecay: wd)
    case "adam":
      let betas = c.list("betas") ?? [0.9, 0.999]
      return Adam(
        learningRate: lr, beta1: betas[0], beta2: betas[1], epsilon: c.number("eps") ?? 1e-8, weightDecay: wd,
        amsgrad: c.flag("amsgrad") ?? false)
    case "rmsprop":
      return RMSprop(
        learningRate: lr, alpha: c.number("alpha") ?? 0.99, epsilon: c.number("eps") ?? 1e-8, weightDecay: wd,
        momentum: momentum, centered: c.flag("centered") ?? false)
    default: fatalError("unknown optimizer \(c.optimizer!)")
    }
  }

  @Test(arguments: loadFixture("optimizers"))
  func optimizerMatchesTorch(_ c: FixtureCase) {
    var optimizer = Self.makeOptimizer(c)
    var params = [c.tensor("p0"), c.tensor("p1")]
    let grads = [c.tensor("g0"), c.tensor("g1")]
    let expected = [c.tensor("e0"), c.tensor("e1")]
    let groups = Grouping.perTensor.groups(for: ["p0", "p1"])
    var worst: Float = 0
    for t in 0..<50 {
      let g = grads.map { $0[t..<(t + 1)].reshaped(to: Array($0.shape.dropFirst())) }
      let deltas = optimizer.updates(gradients: g, parameters: params, groups: groups)
      params = zip(params, deltas).map { $0 + $1 }
      for i in 0..<2 {
        let e = expected[i][t..<(t + 1)].reshaped(to: params[i].shape)
        let scale = max(e.scalars.map { abs($0) }.max()!, 1e-6)
        let error = zip(params[i].scalars, e.scalars).map { abs($0 - $1) }.max()! / scale
        worst = max(worst, error)
      }
    }
    #expect(worst < 1e-5, "\(c.name): worst relative error over 50 steps \(worst)")
    #expect(optimizer.step == 50)
  }
}

/// SplitMix64's output function of the state `x`, as `splitmix64` in Scripts/make_layer_fixtures.py.
func splitMix64(_ x: UInt64) -> UInt64 {
  var z = x &+ 0x9E37_79B9_7F4A_7C15
  z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
  z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
  return z ^ (z >> 31)
}

/// The gradient of parameter `k` at step `t` in optimizer_state.json, as `state_gradient` in
/// Scripts/make_layer_fixtures.py: every operation is exact in Double and the one rounding is to Float,
/// so these are torch's float32 values bit for bit (the fixture does not store 1000 gradients).
func stateGradient(_ k: Int, _ t: Int, shape: [Int]) -> Tensor<Float> {
  let sign: Double = (t / 250) % 2 == 0 ? 1 : -1
  let values = (0..<shape.reduce(1, *)).map { i -> Float in
    let u = splitMix64(UInt64(k) << 48 | UInt64(t) << 16 | UInt64(i))
    let uniform = Double(u >> 40) * 0x1p-24
    let scale = Double(sign: .plus, exponent: i % 4 - 2, significand: 1)
    let mean = sign * 0.5 * Double(i % 3 - 1)
    return Float((uniform - 0.5) * 4 * scale + mean)
  }
  return Tensor(shape: shape, scalars: values)
}

@Suite("Optimizer parameters and state against torch.optim over 1000 steps (committed fixtures)")
struct TorchGoldenOptimizerStateTests {
  /// The hyperparameters are the fixture's doubles, as a user gives them: over 1000 steps a float32
  /// rounding of β2 = 0.999 alone moves `exp_avg_sq` by about 1e-5 relative, far outside the tolerance.
  @Test(arguments: loadFixture("optimizer_state"))
  func parametersAndStateMatchTorch(_ c: FixtureCase) {
    Self.expectTorchTrajectory(TorchGoldenOptimizerTests.makeOptimizer(c), c)
  }

  /// The same through a config file and the catalog, as `graft train` builds its optimizers: the
  /// settings keep the doubles written in the JSON.
  @Test(arguments: ["adam_9999", "adam_gan_999", "rmsprop_momentum", "sgd_momentum"])
  func catalogOptimizerFromConfigMatchesTorch(_ name: String) throws {
    let c = try #require(loadFixture("optimizer_state").first { $0.name == name })
    let betas = c.list("betas") ?? [0.9, 0.999]
    let json = """
      {"learningRate": \(c.number("lr")!), "beta1": \(betas[0]), "beta2": \(betas[1]), \
      "epsilon": \(c.number("eps") ?? 1e-8), "momentum": \(c.number("momentum") ?? 0), \
      "weightDecay": \(c.number("weight_decay") ?? 0), "alpha": \(c.number("alpha") ?? 0.99)}
      """
    let settings = try JSONDecoder().decode(OptimizerSettings.self, from: Data(json.utf8))
    let (optimizer, _) = try makeOptimizer(c.optimizer!, settings)
    Self.expectTorchTrajectory(optimizer, c)
  }

  /// Runs `c.steps` steps on the case's three parameters with `stateGradient`'s gradients and compares
  /// the parameters and every state tensor with torch's at each checkpoint:
  /// ‖actual − torch‖∞ ≤ 1e-6 · ‖torch‖∞ for each tensor.
  static func expectTorchTrajectory(_ start: any Optimizer, _ c: FixtureCase) {
    var optimizer = start
    var params = (0..<3).map { c.tensor("p\($0)") }
    let groups = Grouping.perTensor.groups(for: ["p0", "p1", "p2"])
    let checkpoints = Set(c.checkpoints!)
    #expect(c.steps! >= 1000 && checkpoints.contains(c.steps!))
    for t in 1...c.steps! {
      let gradients = params.indices.map { stateGradient($0, t, shape: params[$0].shape) }
      let deltas = optimizer.updates(gradients: gradients, parameters: params, groups: groups)
      params = zip(params, deltas).map { $0 + $1 }
      guard checkpoints.contains(t) else { continue }
      for k in params.indices {
        let prefix = "s\(t).p\(k)"
        expectClose(params[k], c.tensor(prefix), "\(c.name) \(prefix)", tolerance: 1e-6)
        let keys = c.tensors.keys.filter { $0.hasPrefix(prefix + ".") }.map { String($0.dropFirst(prefix.count + 1)) }
        #expect(Set(optimizer.state[k].keys) == Set(keys), "\(c.name) \(prefix): state keys")
        for key in keys.sorted() {
          guard let actual = optimizer.state[k][key] else { continue }
          expectClose(actual, c.tensor(prefix + "." + key), "\(c.name) \(prefix).\(key)", tolerance: 1e-6)
        }
      }
    }
    #expect(optimizer.step == c.steps!)
  }
}
