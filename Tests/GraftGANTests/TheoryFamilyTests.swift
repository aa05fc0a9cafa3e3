import Foundation
import GraftData
import GraftEngine
import GraftGAN
import GraftLayers
import GraftRun
import Testing

/// The pieces the synthetic model family adds: mode norms and weights, a discriminator whose output
/// scale and bias may be held fixed, and collapse over time.
@Suite struct TheoryFamilyTests {
  /// A [1, d] point r·e_k plus `rest` on the other coordinates.
  func point(_ d: Int, mode k: Int, norm r: Float) -> Tensor<Float> {
    Tensor(shape: [1, d], scalars: (0..<d).map { $0 == k ? r : 0 })
  }

  /// ∂D/∂w_i at x for D(x) = a Σ⟨w_i, x⟩³ + b is 3a⟨w_i, x⟩² x, so at x = r·u the gradient along u is
  /// 3a r³⟨w_i, u⟩²: a mode of norm r pulls D's neurons r³ as hard as a unit one (the lead's "pace"
  /// argument). Autodiff against the closed form, in Double, for r = 1 and 0.25.
  @Test func discriminatorGradientAlongAModeScalesWithItsNormCubed() throws {
    let d = 10
    var rng = RandomGenerator(seed: 3)
    var discriminator = TheoryDiscriminator(neurons: 4, dimension: d, initScale: 1, generator: &rng)
    discriminator.scale = Tensor([1.5])
    let w = discriminator.neurons.scalars.map(Double.init)  // [4, d]
    var alongMode: [Float: [Double]] = [:]
    for r: Float in [1, 0.25] {
      let x = point(d, mode: 1, norm: r)
      let (_, gradient) = try discriminator.valueWithGradient { $0(x).sum() }
      #expect(gradient.count == 3)  // neurons, a, b
      let g = gradient[0].scalars.map(Double.init)
      for i in 0..<4 {
        let projection = w[i * d + 1] * Double(r)  // ⟨w_i, x⟩
        for j in 0..<d {
          let expected = 3 * 1.5 * projection * projection * (j == 1 ? Double(r) : 0)
          #expect(abs(g[i * d + j] - expected) <= 1e-4 * max(1, abs(expected)), "r \(r), neuron \(i), coordinate \(j)")
        }
      }
      // ∂D/∂a = Σ⟨w_i, x⟩³, ∂D/∂b = 1.
      let cubes = (0..<4).map { pow(w[$0 * d + 1] * Double(r), 3) }.reduce(0, +)
      #expect(abs(Double(gradient[1].scalars[0]) - cubes) <= 1e-4 * max(1, abs(cubes)))
      #expect(gradient[2].scalars == [1])
      alongMode[r] = (0..<4).map { g[$0 * d + 1] }
    }
    for i in 0..<4 where abs(alongMode[1]![i]) > 1e-6 {
      #expect(abs(alongMode[0.25]![i] / alongMode[1]![i] - pow(0.25, 3)) < 1e-5)
    }
  }

  /// G(e_i) = v_i, so the generator's gradient of D(G(e_i)) is 3a Σ_j ⟨w_j, v_i⟩² w_j on row i and zero
  /// on the others.
  @Test func generatorGradientThroughTheCubicDiscriminator() throws {
    let d = 8
    var rng = RandomGenerator(seed: 5)
    let generator = TheoryGenerator(neurons: 3, dimension: d, initScale: 1, generator: &rng)
    let discriminator = TheoryDiscriminator(
      neurons: 2, dimension: d, initScale: 1, trainsScale: false, trainsBias: false, generator: &rng)
    let z = Tensor<Float>(shape: [1, 3], scalars: [0, 1, 0])
    let (_, gradient) = try generator.valueWithGradient { discriminator($0(z)).sum() }
    let v = generator.neurons.scalars.map(Double.init)
    let w = discriminator.neurons.scalars.map(Double.init)
    let g = gradient[0].scalars.map(Double.init)
    for row in 0..<3 {
      for k in 0..<d {
        var expected = 0.0
        if row == 1 {
          for j in 0..<2 {
            let dot = (0..<d).map { v[d + $0] * w[j * d + $0] }.reduce(0, +)
            expected += 3 * dot * dot * w[j * d + k]
          }
        }
        #expect(abs(g[row * d + k] - expected) <= 1e-4 * max(1, abs(expected)), "row \(row), coordinate \(k)")
      }
    }
  }

  /// Held a and b are not parameters: no gradient, no update, and D is then Σ⟨w_i, x⟩³ exactly.
  @Test func heldScaleAndBiasAreNotParameters() throws {
    var rng = RandomGenerator(seed: 1)
    let held = TheoryDiscriminator(neurons: 2, dimension: 4, trainsScale: false, trainsBias: false, generator: &rng)
    #expect(held.parameterNames == ["neurons"])
    let scaleOnly = TheoryDiscriminator(neurons: 2, dimension: 4, trainsBias: false, generator: &rng)
    #expect(scaleOnly.parameterNames == ["neurons", "scale"])
    var config = try TrainingConfig.preset("theory")
    try config.apply(arguments: ["--no-theory-train-scale", "--no-theory-train-bias"])
    var g = RandomGenerator(seed: 0)
    let players = Players(config, channels: 1, rng: &g)
    #expect(players.discriminator.parameterNames == ["neurons"])
    // Today's: both trained.
    var g2 = RandomGenerator(seed: 0)
    #expect(Players(try TrainingConfig.preset("theory"), channels: 1, rng: &g2).discriminator.parameterNames.count == 3)
  }

  /// The one-hot codes in order (`LatentSampler.basis`) through G(z) = zV give the neurons' rows exactly:
  /// what the recovered-modes metric reads instead of reaching into the generator's type.
  @Test func theOneHotBasisGivesTheGeneratorsNeurons() throws {
    var config = try TrainingConfig.preset("theory")
    try config.apply(arguments: ["--theory-g-neurons", "7", "--theory-init", "3"])
    var g = RandomGenerator(seed: 5)
    let generator = Players(config, channels: 1, rng: &g).generator
    let basis = LatentSampler(config).basis
    #expect(basis.shape == [7, 7] && basis.scalars.reduce(0, +) == 7)
    let neurons = generator.parameters[0]
    #expect(neurons.shape == [7, config.theory.dimension])
    #expect(withoutGradients { generator(basis) }.scalars == neurons.scalars)
  }

  /// The settings reach the data: a mode of norm 0.25 and weight 3 : 1.
  @Test func normsAndWeightsReachTheData() throws {
    var config = try TrainingConfig.preset("theory")
    try config.apply(arguments: ["--theory-norms", "1,0.25", "--theory-weights", "1,3", "--theory-noise", "0"])
    try config.validate()
    let data = config.theory.data
    #expect(data.norms == [1, 0.25] && data.weights == [1, 3])
    var g = RandomGenerator(seed: 2)
    let (points, modes) = data.sample(4000, generator: &g)
    let share = Double(modes.filter { $0 == 1 }.count) / 4000
    #expect(abs(share - 0.75) < 0.03, "\(share)")
    let d = config.theory.dimension
    for (i, k) in modes.prefix(20).enumerated() { #expect(points.scalars[i * d + k] == data.norms[k]) }
    // Empty lists are today's data: unit norms, equal weights.
    let today = try TrainingConfig.preset("theory").theory.data
    #expect(today == SyntheticModes(dimension: 100, modeCount: 2, noise: 0.01))
  }

  /// Lists on the command line and in files; a count that does not match K is refused with the fix.
  @Test func listSettingsRoundTripAndAreChecked() throws {
    var config = try TrainingConfig.preset("theory")
    try config.apply(arguments: ["--theory-norms", "1, 0.3", "--no-theory-train-bias"])
    #expect(config.theory.norms == [1, 0.3] && !config.theory.trainBias && config.theory.trainScale)
    let setting = try #require(TrainingConfig.settings.first { $0.flag == "theory-norms" })
    #expect(setting.text(config) == "1,0.3")
    let decoded = try JSONDecoder().decode(TrainingConfig.self, from: try JSONEncoder().encode(config))
    #expect(decoded == config)
    config.theory.norms = [1, 0.3, 0.2]
    #expect(throws: ConfigError.self) { try config.validate() }
    do {
      try config.validate()
    } catch {
      #expect("\(error)".contains("--theory-norms needs one number per mode (--theory-modes 2), got 3"), "\(error)")
    }
    var bad = TrainingConfig()
    #expect(throws: (any Error).self) { try bad.apply(arguments: ["--theory-norms", "1,x"]) }
    bad.theory.norms = [1, -1]
    #expect(throws: ConfigError.self) { try bad.validate() }
    bad.theory.norms = []
    bad.theory.weights = [0, 0]
    #expect(throws: ConfigError.self) { try bad.validate() }
  }

  /// A config.json from before the family (no theory.norms, weights, trainScale, trainBias) decodes to
  /// today's model.
  @Test func oldConfigFilesDecodeToTodaysModel() throws {
    let old = #"""
      {"dataset": "theory", "model": "theory", "theory": {"dimension": 100, "modes": 2, "noise": 0.01,
       "generatorNeurons": 6, "discriminatorNeurons": 6, "power": 3, "initScale": 0.3, "gaussianLatent": false}}
      """#
    let config = try JSONDecoder().decode(TrainingConfig.self, from: Data(old.utf8))
    #expect(config.theory.norms.isEmpty && config.theory.weights.isEmpty)
    #expect(config.theory.trainScale && config.theory.trainBias)
    var expected = TrainingConfig()
    expected.dataset = .theory
    expected.model = .theory
    expected.theory.initScale = 0.3
    #expect(config == expected)
  }

  @Test func timelineSharesAndLeaving() throws {
    let held = TheoryTimeline(steps: [1, 2, 3, 4], modes: [0, 1, 1, 1])
    #expect(held.oneModeShare == 0.75 && !held.leftOneMode && held.maximumModes == 1)
    let oscillating = TheoryTimeline(steps: [1, 2, 3, 4], modes: [1, 2, 1, 0])
    #expect(oscillating.oneModeShare == 0.5 && oscillating.leftOneMode && oscillating.maximumModes == 2)
    // Two modes before one is not leaving one.
    #expect(!TheoryTimeline(steps: [1, 2], modes: [2, 1]).leftOneMode)
    #expect(TheoryTimeline(steps: [], modes: []).oneModeShare == 0)
    // From metrics.jsonl: only the evaluation lines count.
    let file = FileManager.default.temporaryDirectory.appendingPathComponent("timeline-\(UUID().uuidString).jsonl")
    try Data(
      """
      {"step": 100, "loss_d": 1.3}
      {"eval": {"modesRecovered": 1, "bestCosines": [0.99, 0.1]}, "step": 100}
      {"eval": {"modesRecovered": 2}, "step": 200}

      """.utf8
    ).write(to: file)
    #expect(TheoryTimeline(metrics: file) == TheoryTimeline(steps: [100, 200], modes: [1, 2]))
    try Data("{\"step\": 1, \"loss_d\": 1}\n".utf8).write(to: file)
    #expect(TheoryTimeline(metrics: file) == nil)
  }

  /// A run evaluated during training writes its timeline into summary.json; one that is not, none.
  @Test func summaryHoldsTheTimeline() throws {
    var config = try TrainingConfig.preset("theory")
    config.steps = 40
    config.logEvery = 10
    config.evaluateEvery = 10
    config.evaluationSamples = 100
    config.tensorboard = false
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("timeline-run-\(UUID().uuidString)")
    let summary = try Trainer(config: config, directory: directory).train(log: { _ in })
    let timeline = try #require(summary.theoryTimeline)
    #expect(timeline.steps == [10, 20, 30, 40])
    let read = try JSONDecoder().decode(
      TrainingSummary.self, from: Data(contentsOf: RunDirectory(directory).summary))
    #expect(read.theoryTimeline == timeline)
  }
}
