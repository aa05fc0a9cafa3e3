import Foundation
import GraftEngine
import GraftLayers
import GraftOptimizers
import Testing

/// A two-module model, so that per-tensor, per-module and global groupings all differ.
struct TwoModules: Layer {
  var first: Linear
  var second: Linear

  init(generator: inout RandomGenerator) {
    first = Linear(3, 4, generator: &generator)
    second = Linear(4, 2, generator: &generator)
  }

  func callAsFunction(_ x: Tensor<Float>) -> Tensor<Float> { second(first(x).tanh()) }

  var parameterPaths: [ParameterPath<Self>] {
    paths(of: \.first, named: "first") + paths(of: \.second, named: "second")
  }
}

func randomGradients(like params: [Tensor<Float>], _ rng: inout RandomGenerator) -> [Tensor<Float>] {
  params.map { Tensor(randomNormal: $0.shape, generator: &rng) }
}

func cosine(_ a: [Tensor<Float>], _ b: [Tensor<Float>]) -> Double {
  var dot = 0.0
  var na = 0.0
  var nb = 0.0
  for (x, y) in zip(a, b) {
    for (u, v) in zip(x.scalars, y.scalars) {
      dot += Double(u) * Double(v)
      na += Double(u) * Double(u)
      nb += Double(v) * Double(v)
    }
  }
  return dot / (na.squareRoot() * nb.squareRoot())
}

@Suite("Grafting, nSGDA, groups and schedules")
struct OptimizerPropertyTests {
  /// The grafted step has Δᴹ's norm and Δᴰ's direction per group, and reports ‖Δᴹ_k‖ and ‖Δᴰ_k‖ as its
  /// components: the same numbers, bit for bit, as the norms of copies of the inner optimizers stepped
  /// alongside.
  @Test(arguments: Grouping.allCases)
  func graftedStepHasMagnitudeNormAndDirection(_ grouping: Grouping) {
    var rng = RandomGenerator(seed: 1)
    let model = TwoModules(generator: &rng)
    let names = model.parameterPaths.map(\.name)
    let groups = grouping.groups(for: names)
    var grafted = GraftedOptimizer(
      magnitude: Adam(learningRate: 1e-3, beta1: 0.5), direction: SGD(learningRate: 0.1, momentum: 0.9))
    var adam = Adam(learningRate: 1e-3, beta1: 0.5)
    var sgd = SGD(learningRate: 0.1, momentum: 0.9)
    let params = model.parameters
    for _ in 0..<5 {
      let g = randomGradients(like: params, &rng)
      let taken = grafted.advance(gradients: g, parameters: params, groups: groups)
      let m = adam.updates(gradients: g, parameters: params, groups: groups)
      let d = sgd.updates(gradients: g, parameters: params, groups: groups)
      for group in groups {
        let s = group.indices.map { taken.updates[$0] }
        let normStep = groupNorm(s)
        let normM = groupNorm(group.indices.map { m[$0] })
        #expect(abs(normStep - normM) <= 1e-5 * normM, "group \(group.name): ‖Δ‖ \(normStep) vs ‖Δᴹ‖ \(normM)")
        #expect(1 - cosine(s, group.indices.map { d[$0] }) < 1e-6, "group \(group.name): direction differs")
      }
      #expect(
        taken.components == [
          StepComponent(name: "magnitude", norms: groups.map { groupNorm($0.indices.map { m[$0] }) }),
          StepComponent(name: "direction", norms: groups.map { groupNorm($0.indices.map { d[$0] }) }),
        ])
    }
  }

  /// A graft inside a graft reports its components after the outer ones, prefixed as its state is.
  @Test func nestedGraftReportsInnerComponentsPrefixed() {
    var rng = RandomGenerator(seed: 5)
    let model = TwoModules(generator: &rng)
    let groups = Grouping.perModule.groups(for: model.parameterPaths.map(\.name))
    let innerGraft = GraftedOptimizer(magnitude: Adam(learningRate: 1e-3), direction: SGD(learningRate: 0.1))
    var nested = GraftedOptimizer(magnitude: innerGraft, direction: RMSprop(learningRate: 1e-2))
    var inner = innerGraft
    var rmsprop = RMSprop(learningRate: 1e-2)
    let params = model.parameters
    let g = randomGradients(like: params, &rng)
    let step = nested.advance(gradients: g, parameters: params, groups: groups)
    let innerStep = inner.advance(gradients: g, parameters: params, groups: groups)
    let d = rmsprop.updates(gradients: g, parameters: params, groups: groups)
    let norms = { (u: [Tensor<Float>]) in groups.map { groupNorm($0.indices.map { u[$0] }) } }
    #expect(
      step.components == [
        StepComponent(name: "magnitude", norms: norms(innerStep.updates)),
        StepComponent(name: "direction", norms: norms(d)),
      ] + innerStep.components.map { StepComponent(name: "magnitude." + $0.name, norms: $0.norms) })
    #expect(
      step.components.map(\.name) == ["magnitude", "direction", "magnitude.magnitude", "magnitude.direction"])
  }

  /// Optimizers whose step has no parts report no components, through `advance` and `update` alike.
  @Test func plainOptimizersReportNoComponents() throws {
    var rng = RandomGenerator(seed: 6)
    let model = TwoModules(generator: &rng)
    let x = Tensor<Float>(randomNormal: [5, 3], generator: &rng)
    let (_, grads) = try model.valueWithGradient { m in m(x).squared().mean() }
    let groups = Grouping.perTensor.groups(for: model.parameterPaths.map(\.name))
    let optimizers: [any Optimizer] = [
      SGD(learningRate: 0.1, momentum: 0.5), Adam(), RMSprop(), NormalizedSGD(learningRate: 0.1, momentum: 0.5),
    ]
    for optimizer in optimizers {
      var stepped = optimizer
      #expect(stepped.advance(gradients: grads, parameters: model.parameters, groups: groups).components.isEmpty)
      var updated = optimizer
      var copy = model
      #expect(updated.update(&copy, along: grads).components.isEmpty, "\(optimizer.summary)")
    }
  }

  @Test func zeroGradientsGiveZeroStepsWithoutNaN() {
    let params = [Tensor<Float>(ones: [2, 3]), Tensor<Float>(ones: [4])]
    let zeros = params.map { Tensor<Float>(zerosLike: $0) }
    let groups = Grouping.perTensor.groups(for: ["a", "b"])
    var optimizers: [any Optimizer] = [
      GraftedOptimizer(magnitude: Adam(), direction: SGD(learningRate: 0.1)),
      GraftedOptimizer(magnitude: SGD(learningRate: 0.1), direction: Adam()),
      NormalizedSGD(learningRate: 0.1, momentum: 0.9), Adam(), RMSprop(),
    ]
    for i in optimizers.indices {
      for _ in 0..<3 {
        let steps = optimizers[i].updates(gradients: zeros, parameters: params, groups: groups)
        #expect(steps.allSatisfy { $0.scalars.allSatisfy { $0 == 0 } }, "\(optimizers[i].summary)")
      }
    }
  }

  @Test(arguments: Grouping.allCases)
  func normalizedStepNormEqualsLearningRate(_ grouping: Grouping) {
    var rng = RandomGenerator(seed: 2)
    let model = TwoModules(generator: &rng)
    var groups = grouping.groups(for: model.parameterPaths.map(\.name))
    groups[0].learningRateScale = 3
    var nsgd = NormalizedSGD(learningRate: 0.05)
    let g = randomGradients(like: model.parameters, &rng)
    let step = nsgd.updates(gradients: g, parameters: model.parameters, groups: groups)
    for group in groups {
      let norm = groupNorm(group.indices.map { step[$0] })
      #expect(abs(Double(norm) - 0.05 * group.learningRateScale) < 1e-6)
      #expect(cosine(group.indices.map { step[$0] }, group.indices.map { -g[$0] }) > 1 - 1e-6)
    }
  }

  @Test func normalizedSGDWithMomentumTwoStepsByHand() {
    // One group [3, 4] → g/‖g‖ = [0.6, 0.8]. Step 1: b = g = [3, 4], Δ = −0.1·[0.6, 0.8].
    // Step 2 with g = [0, 1] and μ = 0.5: b = [1.5, 3] → ‖b‖ = √11.25, Δ = −0.1·b/‖b‖.
    var opt = NormalizedSGD(learningRate: 0.1, momentum: 0.5)
    let p = [Tensor<Float>([0, 0])]
    let groups = Grouping.perTensor.groups(for: ["w"])
    let s1 = opt.updates(gradients: [Tensor([3, 4])], parameters: p, groups: groups)[0].scalars
    #expect(abs(s1[0] + 0.06) < 1e-7 && abs(s1[1] + 0.08) < 1e-7)
    let s2 = opt.updates(gradients: [Tensor([0, 1])], parameters: p, groups: groups)[0].scalars
    let n = Float(11.25).squareRoot()
    #expect(abs(s2[0] + 0.1 * 1.5 / n) < 1e-7 && abs(s2[1] + 0.1 * 3 / n) < 1e-7)
  }

  @Test func groupingsByName() {
    let names = ["a.weight", "a.bias", "b.c.weight", "scale"]
    #expect(Grouping.perTensor.groups(for: names).map(\.indices) == [[0], [1], [2], [3]])
    #expect(Grouping.perModule.groups(for: names).map(\.name) == ["a", "b.c", "(root)"])
    #expect(Grouping.perModule.groups(for: names).map(\.indices) == [[0, 1], [2], [3]])
    #expect(Grouping.global.groups(for: names).map(\.indices) == [[0, 1, 2, 3]])
    #expect(Grouping.perModule.groups(for: names, learningRateScales: ["b.c": 2])[1].learningRateScale == 2)
  }

  @Test func schedules() {
    let warm = LearningRateSchedule(.linear, totalSteps: 110, warmupSteps: 10, finalFraction: 0)
    #expect(warm.multiplier(atStep: 0) == 0.1)
    #expect(warm.multiplier(atStep: 9) == 1)
    #expect(abs(warm.multiplier(atStep: 60) - 0.5) < 1e-6)
    #expect(warm.multiplier(atStep: 500) == 0)
    let cosine = LearningRateSchedule(.cosine, totalSteps: 100, finalFraction: 0.1)
    #expect(cosine.multiplier(atStep: 0) == 1)
    #expect(abs(cosine.multiplier(atStep: 50) - 0.55) < 1e-6)
    #expect(abs(cosine.multiplier(atStep: 100) - 0.1) < 1e-6)
    #expect(LearningRateSchedule.constant.multiplier(atStep: 1234) == 1)
  }

  @Test func specBuildsEveryName() throws {
    let settings = OptimizerSettings(learningRate: 0.01)
    for name in OptimizerSpec.descriptions.map(\.spec.name) + ["graft:adam:sgd", "graft:sgd:adam", "graft:rmsprop:nsgd"] {
      let (opt, grouping) = try makeOptimizer(name, settings)
      #expect(opt.learningRate == 0.01)
      #expect(grouping == (name == "nsgda-global" ? .global : .perTensor))
    }
    #expect(try makeOptimizer("ada-nsgda", settings).optimizer is GraftedOptimizer)
    #expect(throws: OptimizerNameError.self) { try makeOptimizer("adamw", settings) }
    #expect(throws: OptimizerNameError.self) { try makeOptimizer("graft:adam:lbfgs", settings) }
    #expect(OptimizerNameError(name: "adamw").description.contains("ada-nsgda"))
  }

  /// Hyperparameters stay the doubles the user wrote, from a config file through the catalog into each
  /// optimizer (as PyTorch holds them): a Float on the way would turn β2 = 0.9999 into 0.99989998…, and
  /// 1 − β2 would be off by 1.7e-4 relative.
  @Test func hyperparametersStayTheDoublesGiven() throws {
    let json =
      #"{"learningRate": 0.0003, "beta1": 0.9, "beta2": 0.9999, "epsilon": 1e-7, "momentum": 0.7, "#
      + #""weightDecay": 0.01, "alpha": 0.999}"#
    let settings = try JSONDecoder().decode(OptimizerSettings.self, from: Data(json.utf8))
    let adam = try #require(try makeOptimizer("adam", settings).optimizer as? Adam)
    #expect(adam.learningRate == 0.0003 && adam.beta1 == 0.9 && adam.beta2 == 0.9999)
    #expect(adam.epsilon == 1e-7 && adam.weightDecay == 0.01)
    let rmsprop = try #require(try makeOptimizer("rmsprop", settings).optimizer as? RMSprop)
    #expect(rmsprop.alpha == 0.999 && rmsprop.momentum == 0.7 && rmsprop.epsilon == 1e-7)
    let sgd = try #require(try makeOptimizer("sgda", settings).optimizer as? SGD)
    #expect(sgd.momentum == 0.7 && sgd.weightDecay == 0.01)
    let nsgd = try #require(try makeOptimizer("nsgda", settings).optimizer as? NormalizedSGD)
    #expect(nsgd.momentum == 0.7)
    // Written back (a run's config.json) with the same keys and numbers.
    let encoded = try #require(
      try JSONSerialization.jsonObject(with: JSONEncoder().encode(settings)) as? [String: Double])
    #expect(
      encoded == [
        "learningRate": 0.0003, "beta1": 0.9, "beta2": 0.9999, "epsilon": 1e-7, "momentum": 0.7, "weightDecay": 0.01,
        "alpha": 0.999,
      ])
  }

  @Test func updateAppliesStepsAndReportsDiagnostics() throws {
    var rng = RandomGenerator(seed: 3)
    var model = TwoModules(generator: &rng)
    let before = model.parameters
    let x = Tensor<Float>(randomNormal: [5, 3], generator: &rng)
    let (_, grads) = try model.valueWithGradient { m in m(x).squared().mean() }
    var opt: any Optimizer = GraftedOptimizer(magnitude: Adam(learningRate: 0.01), direction: SGD(learningRate: 1))
    let diagnostics = opt.update(&model, along: grads, grouping: .perModule)
    #expect(diagnostics.groups == ["first", "second"])
    #expect(diagnostics.components.map(\.name) == ["magnitude", "direction"])
    #expect(diagnostics.components.allSatisfy { $0.norms.count == 2 })
    let applied = zip(model.parameters, before).map { $0 - $1 }
    #expect(abs(groupNorm(Array(applied[0..<2])) - diagnostics.updateNorms[0]) < 1e-6)
    #expect(abs(diagnostics.gradientNorms[1] - groupNorm(Array(grads[2..<4]))) < 1e-6)
    #expect(opt.step == 1)
  }
}
