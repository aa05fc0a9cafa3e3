import Foundation
import GraftEngine
import GraftGAN
import GraftGANTestSupport
import GraftIO
import GraftLayers
import GraftOptimizers
import GraftRun
import GraftTestSupport
import Testing

/// Per-layer learning-rate scales: patterns, the config file and command line, and the step they reach.
@Suite("Layer scales", .serialized)
struct LayerScalesTests {
  @Test func globPatternsMatchWholeNames() {
    #expect(LayerScales.matches("layers.0.weight", "layers.0.weight"))
    #expect(!LayerScales.matches("layers.0.weight", "layers.0.weights"))
    #expect(LayerScales.matches("*.bias", "layers.2.bias"))
    #expect(!LayerScales.matches("*.bias", "layers.2.weight"))
    #expect(LayerScales.matches("layers.*.weight", "layers.10.weight"))
    #expect(LayerScales.matches("*", "anything"))
    #expect(LayerScales.matches("a*b*c", "aXbYbZc"))
    #expect(!LayerScales.matches("a*b*c", "aXbYbZ"))
  }

  @Test func theMostSpecificPatternWins() throws {
    let scales = try #require(LayerScales(settingText: "*=2,layers.0.*=0.5, *.bias=0.1"))
    #expect(scales.entries.count == 3)
    // layers.0.bias: 'layers.0.*' has 8 characters besides '*', '*.bias' 5, so the former wins.
    #expect(scales.scales(for: ["layers.0.weight", "layers.0.bias", "layers.2.bias", "x"]) == [0.5, 0.5, 0.1, 2])
    #expect(LayerScales(settingText: "layers.0.*") == nil)
    #expect(LayerScales(settingText: "a=0") == nil)
    #expect(LayerScales(settingText: "a=x") == nil)
    #expect(LayerScales(settingText: "")?.isEmpty == true)
  }

  @Test func configFileAndFlagsRoundTrip() throws {
    let json = #"{"generatorLayerScales": {"layers.0.weight": 0.5, "*.bias": 0.1}}"#
    let config = try JSONDecoder().decode(TrainingConfig.self, from: Data(json.utf8))
    #expect(config.generatorLayerScales.scales(for: ["layers.0.weight", "layers.4.bias"]) == [0.5, 0.1])
    #expect(config.discriminatorLayerScales.isEmpty)
    let again = try JSONDecoder().decode(TrainingConfig.self, from: JSONEncoder().encode(config))
    #expect(again == config)
    var flagged = TrainingConfig()
    let setting = try #require(TrainingConfig.setting(flag: "g-layer-scale"))
    #expect(setting.key == "generatorLayerScales")
    let both = try #require(TrainingConfig.setting(flag: "layer-scale"))
    #expect(both.key == nil)
    var fromText = TrainingConfig()
    #expect(TrainingConfig.setting(flag: "d-layer-scale")?.key == "discriminatorLayerScales")
    flagged.generatorLayerScales = try #require(LayerScales(settingText: config.generatorLayerScales.settingText))
    fromText.generatorLayerScales = config.generatorLayerScales
    #expect(flagged == fromText)
  }

  /// nSGDA (no momentum, a constant rate) moves each tensor by exactly lr × its scale.
  @Test func theScaleReachesTheOptimizer() throws {
    var config = smallConfig()
    config.steps = 3
    config.logEvery = 1
    config.generatorOptimizer = .nsgda
    config.discriminatorOptimizer = .nsgda
    config.generatorSettings.learningRate = 0.01
    config.generatorSettings.momentum = 0
    config.schedule.decay = .constant
    let names = try Trainer(config: config, directory: temporaryDirectory("layer-scales-names"))
      .players.generator.parameterNames
    config.generatorLayerScales = try #require(LayerScales(settingText: "\(names[0])=0.5,*bias=0.1"))
    let directory = temporaryDirectory("layer-scales")
    let trainer = try Trainer(config: config, directory: directory)
    let expected = config.generatorLayerScales.scales(for: names)
    #expect(expected.contains(0.5) && expected.contains(0.1) && expected.contains(1))
    try trainer.train(log: { _ in })
    let text = try String(contentsOf: directory.appendingPathComponent("metrics.jsonl"), encoding: .utf8)
    var checked = 0
    for line in text.split(separator: "\n") {
      let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
      guard let norms = object["g_update_norm"] as? [String: Double] else { continue }
      for (name, scale) in zip(names, expected) {
        let norm = try #require(norms[name], "\(name)")
        #expect(abs(norm - 0.01 * scale) < 1e-5, "\(name): \(norm) for scale \(scale)")
        checked += 1
      }
    }
    #expect(checked >= names.count * 3)
  }

  @Test func aPatternThatMatchesNothingIsRefusedWithTheNames() throws {
    var config = smallConfig()
    config.discriminatorLayerScales = try #require(LayerScales(settingText: "conv.*=2"))
    let names = try Trainer(config: smallConfig(), directory: temporaryDirectory("layer-scales-names"))
      .players.discriminator.parameterNames
    #expect {
      _ = try Trainer(config: config, directory: temporaryDirectory("layer-scales-bad"))
    } throws: { error in
      let text = "\(error)"
      return text.contains("'conv.*'") && text.contains("discriminator") && names.allSatisfy { text.contains($0) }
    }
  }

  /// `graft layer-scales` on a tiny Adam run: one scale per generator tensor, averaging 1, pasteable as a
  /// config that a new run accepts.
  @Test func layerScalesCommandDerivesAConfigFromARun() throws {
    let root = temporaryDirectory("layer-scales-cli")
    let run = root.appendingPathComponent("run")
    let (status, output) = try runGraft([
      "train", "--steps", "8", "--batch-size", "32", "--log-every", "1", "--out", run.path,
    ])
    #expect(status == 0, "\(output)")
    let out = root.appendingPathComponent("scales.json")
    let (derive, deriveOutput) = try runGraft(["layer-scales", run.path, "--window", "0.5", "--out", out.path])
    #expect(derive == 0, "\(deriveOutput)")
    #expect(deriveOutput.contains("mean update norm"))
    let object = try #require(
      try JSONSerialization.jsonObject(with: Data(contentsOf: out)) as? [String: [String: Double]])
    let scales = try #require(object["generatorLayerScales"])
    let trainer = try Trainer.load(run)
    #expect(Set(scales.keys) == Set(trainer.players.generator.parameterNames))
    let mean = scales.values.reduce(0, +) / Double(scales.count)
    #expect(abs(mean - 1) < 1e-4)
    let next = root.appendingPathComponent("next")
    let (again, againOutput) = try runGraft([
      "train", "--config", out.path, "--optimizer", "nsgda", "--steps", "2", "--batch-size", "32", "--out", next.path,
    ])
    #expect(again == 0, "\(againOutput)")
  }
}

@Suite("graft sample --bn-mode", .serialized)
struct SampleBatchNormModeTests {
  /// A DCGAN's samples differ between batch norm with running statistics and with the batch's own; an
  /// unknown mode is refused.
  @Test(.enabled(if: fashionAvailable, "Fashion-MNIST is not installed (apt-get install dataset-fashion-mnist)"))
  func sampleOffersBothBatchNormModes() throws {
    let root = temporaryDirectory("bn-mode")
    let run = root.appendingPathComponent("run")
    let (status, output) = try runGraft([
      "train", "--preset", "fashion-dcgan", "--steps", "2", "--data-limit", "200", "--width", "8", "--out", run.path,
    ])
    #expect(status == 0, "\(output)")
    var samples: [Data] = []
    for mode in ["eval", "train"] {
      let npy = root.appendingPathComponent("\(mode).npy")
      let (s, o) = try runGraft(["sample", run.path, "--count", "16", "--bn-mode", mode, "--npy", npy.path])
      #expect(s == 0, "\(o)")
      samples.append(try Data(contentsOf: npy))
    }
    #expect(samples[0].count == samples[1].count && samples[0] != samples[1])
    let (bad, badOutput) = try runGraft(["sample", run.path, "--bn-mode", "batch"])
    #expect(bad != 0 && badOutput.contains("bn-mode"), "\(badOutput)")
    // `graft evaluate` reports the image metrics in both modes.
    let (evalStatus, evalOutput) = try runGraft(["evaluate", run.path])
    #expect(evalStatus == 0, "\(evalOutput)")
    let eval = try #require(
      try JSONSerialization.jsonObject(with: Data(contentsOf: run.appendingPathComponent("eval.json")))
        as? [String: Any])
    let trainMode = try #require(eval["batchNormTrainMode"] as? [String: Any])
    #expect(eval["fid"] is Double && trainMode["fid"] is Double, "\(eval)")
  }
}

@Suite("Checkpoints of another model", .serialized)
struct ExtraTensorCheckpointTests {
  /// A checkpoint with a tensor the model lacks (an old DCGAN's bias before batch norm) is refused by name.
  @Test func aCheckpointWithATensorTheModelLacksIsRefused() throws {
    var config = smallConfig()
    config.steps = 2
    let directory = temporaryDirectory("extra-tensor")
    let trainer = try Trainer(config: config, directory: directory)
    try trainer.train(log: { _ in })
    var file = try Checkpoint.load(from: trainer.run.latestCheckpoint)
    file["generator.1.bias"] = Tensor(zeros: [4])
    try file.save(to: trainer.run.latestCheckpoint)
    #expect {
      _ = try Trainer.load(directory)
    } throws: { error in
      "\(error)".contains("the checkpoint has tensor 'generator.1.bias' that the model does not")
    }
  }
}
