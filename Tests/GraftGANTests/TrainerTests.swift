import Foundation
import GraftData
import GraftEngine
import GraftGAN
import GraftGANTestSupport
import GraftIO
import GraftLayers
import GraftOptimizers
import GraftRun
import GraftTestSupport
import Testing

let fashionAvailable = FashionMNIST.isAvailable(split: .train)

func allTensors(_ trainer: Trainer) -> [[Float]] {
  let p = trainer.players
  return
    (p.generator.parameters + p.generator.namedBuffers.map(\.value) + p.discriminator.parameters
    + p.discriminator.namedBuffers.map(\.value)).map(\.scalars)
}

@Suite("Training runs", .serialized)
struct TrainerTests {
  @Test func resumeIsExact() throws {
    let config = smallConfig()
    let full = try Trainer(config: config, directory: temporaryDirectory("full"))
    try full.train(log: { _ in })
    let directory = temporaryDirectory("interrupted")
    let first = try Trainer(config: config, directory: directory)
    try first.train(stopAt: 20, log: { _ in })
    #expect(first.step == 20)
    let resumed = try Trainer.resume(directory)
    #expect(resumed.step == 20)
    try resumed.train(log: { _ in })
    #expect(resumed.step == 30)
    #expect(allTensors(resumed) == allTensors(full))
    #expect(resumed.lastLosses.generator == full.lastLosses.generator)
    // metrics.jsonl has each logged step once.
    let lines = try String(contentsOf: resumed.run.metrics, encoding: .utf8).split(separator: "\n")
    #expect(lines.count == 3)
  }

  @Test(.enabled(if: fashionAvailable, "Fashion-MNIST is not installed (apt-get install dataset-fashion-mnist)"))
  func resumeIsExactWithImageLoaderAndPenalty() throws {
    var config = smallConfig(dataset: .fashionMNIST)
    config.loss = .wganGP
    config.discriminatorSteps = 2
    config.emaDecay = 0.9
    let full = try Trainer(config: config, directory: temporaryDirectory("img-full"))
    try full.train(log: { _ in })
    let directory = temporaryDirectory("img-interrupted")
    try Trainer(config: config, directory: directory).train(stopAt: 3, log: { _ in })
    let resumed = try Trainer.resume(directory)
    try resumed.train(log: { _ in })
    #expect(allTensors(resumed) == allTensors(full))
    #expect(resumed.ema!.parameters.map(\.scalars) == full.ema!.parameters.map(\.scalars))
  }

  @Test(.enabled(if: fashionAvailable, "Fashion-MNIST is not installed (apt-get install dataset-fashion-mnist)"))
  func dcganRunsWithEveryOptimizer() throws {
    for name in OptimizerSpec.descriptions.map(\.spec) + [
      .graft(magnitude: .adam, direction: .sgda), .graft(magnitude: .rmsprop, direction: .nsgda),
    ] {
      var config = smallConfig(dataset: .fashionMNIST)
      config.dataLimit = 1000
      config.steps = 3
      config.generatorOptimizer = name
      config.discriminatorOptimizer = name
      let trainer = try Trainer(config: config, directory: temporaryDirectory("opt"))
      let summary = try trainer.train(log: { _ in })
      #expect(summary.discriminatorLoss.isFinite && summary.generatorLoss.isFinite, "\(name)")
      #expect(trainer.players.generator.parameters.allSatisfy { $0.scalars.allSatisfy(\.isFinite) }, "\(name)")
      #expect(FileManager.default.fileExists(atPath: trainer.run.sample(step: 3).path))
    }
  }

  /// Five good steps, then a learning rate of 1e12: the step that makes a loss, gradient or update
  /// non-finite stops the run, and the last checkpoint is the last good step's. With the hinge loss the
  /// losses stay finite while the weights turn NaN (ReLU maps NaN to 0), so the weights are checked too.
  @Test(arguments: [GANLoss.nonSaturating, .hinge])
  func nonFiniteStepStopsAndKeepsTheLastGoodCheckpoint(loss: GANLoss) throws {
    var config = smallConfig()
    config.loss = loss
    config.generatorOptimizer = .sgda
    config.discriminatorOptimizer = .sgda
    config.generatorSettings.learningRate = 0.01
    config.discriminatorSettings.learningRate = 0.01
    config.checkpointEvery = 1
    let directory = temporaryDirectory("nan")
    try Trainer(config: config, directory: directory).train(stopAt: 5, log: { _ in })
    // The same run, resumed with a learning rate that overflows.
    let configFile = directory.appendingPathComponent("config.json")
    var file = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: configFile)) as? [String: Any])
    var settings = try #require(file["config"] as? [String: Any])
    for key in ["generatorSettings", "discriminatorSettings"] {
      var player = try #require(settings[key] as? [String: Any])
      player["learningRate"] = 1e12
      settings[key] = player
    }
    file["config"] = settings
    try JSONSerialization.data(withJSONObject: file).write(to: configFile)
    // A checkpoint records its optimizers' settings and refuses others; this one stands for an older one,
    // which did not record them.
    try removeChecksum(RunDirectory(directory).latestCheckpoint) { checkpoint in
      for player in ["generator", "discriminator"] { checkpoint.metadata["graft.optimizer.\(player).settings"] = nil }
    }
    let trainer = try Trainer.resume(directory)
    do {
      try trainer.train(log: { _ in })
      Issue.record("training with lr 1e12 did not stop (\(loss))")
    } catch let error as TrainingError {
      #expect(error.message.contains("loss is") || error.message.contains("no longer finite"), "\(error.message)")
      // The latest checkpoint is called good only when a checksum vouches for it: still the one written
      // without (the run stopped before its next checkpoint), it is named but not called good.
      let latest = try SafeTensorsHeader.read(from: trainer.run.latestCheckpoint)
      let verified = latest.metadata[SafeTensorsFile.checksumKey] != nil
      #expect(
        error.message.contains(verified ? "last good checkpoint" : "carries no checksum, so it cannot be called good"),
        "\(error.message)")
    }
    let checkpoint = try Checkpoint.load(from: trainer.run.latestCheckpoint)
    // Checkpointed every step: the last is that of the last step that completed, the good steps' last.
    let saved = try checkpoint.int(forKey: "graft.step")
    #expect(saved >= 5 && saved == trainer.step, "checkpoint of step \(saved), stopped after \(trainer.step)")
    #expect(checkpoint.tensors.allSatisfy { $0.tensor.scalars.allSatisfy(\.isFinite) })
    #expect(!FileManager.default.fileExists(atPath: trainer.run.summary.path))
  }

  @Test func missingAndCorruptDataAreClearErrors() throws {
    var config = smallConfig(dataset: .fashionMNIST)
    config.dataDirectory = "/nonexistent/fashion"
    do {
      _ = try Trainer(config: config, directory: temporaryDirectory("missing"))
      Issue.record("a missing data set was not reported")
    } catch {
      #expect("\(error)".contains("apt-get install dataset-fashion-mnist"))
    }
    let dir = temporaryDirectory("corrupt")
    try Data([0x00, 0x00, 0x09, 0x03, 1, 2, 3]).write(to: dir.appendingPathComponent("train-images-idx3-ubyte"))
    try Data([0x00, 0x00, 0x08, 0x01, 0, 0, 0, 1, 5]).write(to: dir.appendingPathComponent("train-labels-idx1-ubyte"))
    config.dataDirectory = dir.path
    do {
      _ = try Trainer(config: config, directory: temporaryDirectory("corrupt-run"))
      Issue.record("a corrupt IDX file was not reported")
    } catch {
      #expect("\(error)".contains("train-images-idx3-ubyte"))
    }
  }

  @Test func badSettingsFailBeforeAnyWork() {
    var config = TrainingConfig()
    config.generatorSettings.beta1 = 1
    #expect(throws: ConfigError.self) { try config.validate() }
    do {
      _ = try JSONDecoder().decode(TrainingConfig.self, from: Data(#"{"generatorOptimizer": "adamw"}"#.utf8))
      Issue.record("unknown optimizer accepted")
    } catch {
      #expect("\(error)".contains("setting 'generatorOptimizer' must be one of sgda, adam"))
    }
    do {
      _ = try JSONDecoder().decode(TrainingConfig.self, from: Data(#"{"dataset": "mnist"}"#.utf8))
      Issue.record("unknown dataset accepted")
    } catch {
      #expect("\(error)".contains("fashion-mnist"))
    }
    config = TrainingConfig()
    config.model = .dcgan
    #expect(throws: ConfigError.self) { try config.validate() }
  }

  @Test func configFilesMayGiveOnlySomeKeys() throws {
    let partial = Data(#"{"dataset": "grid25", "generatorSettings": {"learningRate": 0.01}}"#.utf8)
    let config = try JSONDecoder().decode(TrainingConfig.self, from: partial)
    #expect(config.dataset == .grid25 && config.generatorSettings.learningRate == 0.01)
    #expect(config.generatorSettings.beta1 == 0.5 && config.steps == TrainingConfig().steps)
  }
}

@Suite("Thread count", .serialized)
struct ThreadCountTests {
  /// A run's numbers do not depend on GRAFT_THREADS: every kernel cuts its work by the data's shape,
  /// never by the thread count (issue 13: 1 and 2 threads once gave different ring8 weights).
  @Test func trainingIsIdenticalOnOneTwoAndThreeThreads() throws {
    var config = smallConfig()
    config.batchSize = 256
    config.width = 128
    config.steps = 20
    let before = Parallel.threads
    defer { Runtime.setThreads(before) }
    var results: [[[Float]]] = []
    for threads in [1, 2, 3] {
      Runtime.setThreads(threads)
      let trainer = try Trainer(config: config, directory: temporaryDirectory("threads\(threads)"))
      try trainer.train(log: { _ in })
      results.append(allTensors(trainer))
    }
    // Compared as Booleans: a failure would print every weight otherwise.
    let (twoSame, threeSame) = (results[0] == results[1], results[0] == results[2])
    #expect(twoSame, "1 and 2 threads give different weights")
    #expect(threeSame, "1 and 3 threads give different weights")
  }
}
