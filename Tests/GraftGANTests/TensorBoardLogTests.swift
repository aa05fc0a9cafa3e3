import Foundation
import GraftGAN
import GraftGANTestSupport
import GraftRun
import GraftTensorBoard
import GraftTestSupport
import Testing

/// A run's TensorBoard events, scalar events only: (step, tag → value) in file order.
func tensorBoardScalars(_ run: URL) throws -> [(step: Int, values: [String: Float])] {
  let files = try EventFiles.list(in: RunDirectory(run).tensorboard)
  return try files.flatMap { try EventFiles.read($0) }.filter { !$0.scalars.isEmpty }.map { ($0.step, $0.scalars) }
}

/// The training lines of metrics.jsonl (not the evaluations), by step.
private func metricsLines(_ run: RunDirectory) throws -> [Int: [String: Any]] {
  var lines: [Int: [String: Any]] = [:]
  for text in try String(contentsOf: run.metrics, encoding: .utf8).split(separator: "\n") {
    let object = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
    if object["eval"] == nil { lines[try #require(object["step"] as? Int)] = object }
  }
  return lines
}

@Suite("TensorBoard logs of a run", .serialized)
struct TensorBoardLogTests {
  @Test func logsTheMetricsLinesEvaluationsSamplesAndHistograms() throws {
    var config = smallConfig()
    config.evaluateEvery = 10
    config.tensorboardHistograms = true
    config.evaluationSamples = 200
    let trainer = try Trainer(config: config, directory: temporaryDirectory("tensorboard"))
    try trainer.train(log: { _ in })
    let files = try EventFiles.list(in: trainer.run.tensorboard)
    #expect(files.count == 1)
    let events = try EventFiles.read(files[0])
    let lines = try metricsLines(trainer.run)

    let training = events.filter { $0.scalars["loss_d"] != nil }
    #expect(training.map(\.step) == [10, 20, 30])
    for event in training {
      let line = try #require(lines[event.step])
      for key in ["loss_d", "loss_g", "lr_g", "lr_d"] {
        #expect(Double(event.scalars[key]!) == (line[key] as? Double).map { Double(Float($0)) }, "\(key)")
      }
      let gUpdates = try #require(line["g_update_norm"] as? [String: Double])
      let dUpdates = try #require(line["d_update_norm"] as? [String: Double])
      for (group, norm) in gUpdates { #expect(event.scalars["g_update_norm/\(group)"] == Float(norm)) }
      #expect(event.scalars.keys.contains { $0.hasPrefix("d_grad_norm/") })
      #expect(event.scalars["step"] == nil && event.scalars["time"] == nil)
      // The MLPs' weight matrices are the groups "<i>.weight"; the ratio is of the mean norms.
      func meanOfWeights(_ norms: [String: Double]) -> Double {
        let weights = norms.filter { $0.key.hasSuffix(".weight") }.map(\.value)
        return weights.reduce(0, +) / Double(weights.count)
      }
      let ratio = try #require(event.scalars["magnitude_ratio"])
      #expect(abs(Double(ratio) - meanOfWeights(gUpdates) / meanOfWeights(dUpdates)) <= 1e-5 * Double(ratio))
    }

    let evaluations = events.filter { $0.scalars["eval/modesCovered"] != nil }
    #expect(evaluations.map(\.step) == [10, 20, 30])
    #expect(evaluations.allSatisfy { $0.scalars["eval/modeCount"] == 8 && $0.scalars["eval/highQualityShare"] != nil })

    let pictures = events.filter { $0.images["samples"] != nil }
    #expect(pictures.map(\.step) == [10, 20, 30])
    for event in pictures {
      let png = try Data(contentsOf: trainer.run.sample(step: event.step))
      #expect(event.images["samples"]?.encoded == png)
      // The size the PNG's header gives: the scatter's 440-pixel plot with its axes, title and legend.
      let header = [UInt8](png.prefix(24))
      func u32(_ at: Int) -> Int { header[at..<at + 4].reduce(0) { $0 << 8 | Int($1) } }
      #expect(event.images["samples"]?.width == u32(16) && event.images["samples"]?.height == u32(20))
      #expect(u32(16) == 44 + 440 + 16)
    }
    let histograms = events.filter { !$0.histogramCounts.isEmpty }
    #expect(histograms.map(\.step) == [10, 20, 30])
    let weights = try #require(histograms.first?.histogramCounts)
    #expect(weights["weights/generator/0.weight"] == Double(config.latentDimension * config.width))
    #expect(weights.keys.contains("weights/discriminator/4.bias"))
  }

  @Test func offWritesNoEventFile() throws {
    var config = smallConfig()
    try config.apply(arguments: ["--no-tensorboard"])
    #expect(config.tensorboard == false)
    #expect(throws: ConfigError.self) { try config.apply(arguments: ["--no-steps"]) }
    let trainer = try Trainer(config: config, directory: temporaryDirectory("no-tensorboard"))
    try trainer.train(log: { _ in })
    #expect(!FileManager.default.fileExists(atPath: trainer.run.tensorboard.path))
  }

  /// Steps logged after the last checkpoint by a process that then died are trained again on resume and
  /// logged once, with the values of a run never stopped (resuming is exact).
  @Test func aResumedRunLogsEachStepOnceWithTheUninterruptedValues() throws {
    var config = smallConfig()
    config.steps = 40
    config.checkpointEvery = 20
    config.keepCheckpoints = 5
    let reference = try Trainer(config: config, directory: temporaryDirectory("tensorboard-reference"))
    try reference.train(log: { _ in })

    let directory = temporaryDirectory("tensorboard-resumed")
    try Trainer(config: config, directory: directory).train(stopAt: 30, log: { _ in })
    // As if killed after logging step 30 but before its checkpoint: the latest is step 20's.
    let run = RunDirectory(directory)
    try FileManager.default.removeItem(at: run.latestCheckpoint)
    try FileManager.default.copyItem(at: run.checkpoint(step: 20), to: run.latestCheckpoint)
    #expect(try tensorBoardScalars(directory).filter { $0.values["loss_d"] != nil }.map(\.step) == [10, 20, 30])
    let resumed = try Trainer.resume(directory)
    #expect(resumed.step == 20)
    try resumed.train(log: { _ in })

    let logged = try tensorBoardScalars(directory).filter { $0.values["loss_d"] != nil }
    let expected = try tensorBoardScalars(reference.run.url).filter { $0.values["loss_d"] != nil }
    #expect(logged.map(\.step) == [10, 20, 30, 40])
    #expect(logged.map(\.values) == expected.map(\.values))
  }
}
