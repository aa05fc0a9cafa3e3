import Foundation
import GraftIO
import GraftRun
import Testing

/// metrics.jsonl and eval.json as types: the fixtures are files written by a binary before these
/// types existed (commit 9548ba7, with OPENBLAS_CORETYPE=Haswell: `graft train --preset ring8-mlp --steps 60 --log-every 20
/// --evaluate-every 30 --optimizer ada-nsgda`, `--preset theory --steps 40 --log-every 20
/// --evaluate-every 20`, `--preset ring8-mlp --steps 20 --log-every 10 --g-optimizer graft:rmsprop:nsgd
/// --d-optimizer sgda --warmup 5 --schedule linear`, then `graft evaluate` on the first two), so every
/// line read and written again must come out byte for byte.
@Suite("Run files as types")
struct RunFileTests {
  static let fixtures = ["ring8-ada-nsgda", "theory", "ring8-graft-rmsprop-nsgd"]

  static func fixture(_ name: String) throws -> Data {
    try Data(contentsOf: #require(Bundle.module.url(forResource: "Fixtures/\(name)", withExtension: nil)))
  }

  @Test(arguments: fixtures)
  func metricsLinesReadAndWriteByteForByte(name: String) throws {
    let text = String(decoding: try Self.fixture("\(name).metrics.jsonl"), as: UTF8.self)
    let (lines, unreadable) = MetricsLine.lines(of: text)
    #expect(unreadable == 0)
    let written = try lines.map { String(decoding: try $0.encoded(), as: UTF8.self) }
    #expect(written == text.split(separator: "\n").map(String.init))
  }

  @Test func linesHoldWhatWasLogged() throws {
    let theory = MetricsLine.lines(of: String(decoding: try Self.fixture("theory.metrics.jsonl"), as: UTF8.self)).lines
    guard case .training(let first) = theory[0], case .evaluation(let step, .theory(let recovery)) = theory[3] else {
      Issue.record("theory lines: \(theory)")
      return
    }
    #expect(first.step == 20 && first.discriminatorLoss == 1.3675735 && first.generatorLearningRate == 0.02)
    #expect(first.discriminator[.update] == ["bias": 0.020000001, "neurons": 0.020000001, "scale": 0.02])
    #expect(first.generator[.gradient] == ["neurons": 0.0012471103])
    #expect(step == 40 && recovery.modesRecovered == 1 && recovery.sampleShares == [0.8365, 0.1635])

    let grafted = MetricsLine.lines(
      of: String(decoding: try Self.fixture("ring8-ada-nsgda.metrics.jsonl"), as: UTF8.self)
    ).lines
    guard case .training(let line) = grafted[0], case .evaluation(_, .mixture(let coverage)) = grafted[1] else {
      Issue.record("ring8 lines: \(grafted)")
      return
    }
    // A grafted optimizer's own parts, beside the gradient and update norms.
    #expect(Set(line.generator.norms.keys) == [.gradient, .update, .component("magnitude"), .component("direction")])
    #expect(coverage.modeCount == 8 && coverage.counts.reduce(0, +) == 8)
  }

  /// The trainer measures losses and norms in Float: one that is exactly a Float is written as the Float's
  /// shortest form; learning rates and times (Doubles, though a time is often exactly a Float) as Doubles.
  @Test func numbersAreWrittenInThePrecisionTheyWereMeasuredIn() throws {
    let line = TrainingMetrics(
      step: 3, discriminatorLoss: Double(Float(0.1)), generatorLoss: -2, seconds: Double(Float(0.1)),
      generatorLearningRate: 1e-3, discriminatorLearningRate: 0.5,
      generator: PlayerMetrics(norms: [.update: ["w": Double(Float(1e-8))]]))
    let text = String(decoding: try MetricsLine.training(line).encoded(), as: UTF8.self)
    #expect(
      text
        == #"{"g_update_norm":{"w":1e-08},"loss_d":0.1,"loss_g":-2,"lr_d":0.5,"lr_g":0.001,"step":3,"time":0.10000000149011612}"#
    )
    // And read back as the nearest Double to that text, as every reader has always parsed it.
    guard case .training(let read) = try MetricsLine(Data(text.utf8)) else { throw CancellationError() }
    #expect(read.discriminatorLoss == 0.1 && read.generator[.update] == ["w": 1e-08])
  }

  /// Lines of older runs (no learning rates or time) read; damaged ones are counted, not read.
  @Test func olderAndDamagedLines() throws {
    let text = """
      {"step": 10, "loss_d": 1.0, "loss_g": 0.7}
      {"step": 1.5, "loss_d": 1, "loss_g": 1}
      {"step": 20, "loss_d": 1}
      {"eval": {"fid": 12.5, "features2": {"fid": 13}}, "step": 20}
      {"step": 30, "loss_d": 1.
      """
    let (lines, unreadable) = MetricsLine.lines(of: text)
    #expect(unreadable == 3)
    #expect(lines.map(\.step) == [10, 20])
    guard case .training(let old) = lines[0], case .evaluation(_, let evaluation) = lines[1] else {
      throw CancellationError()
    }
    #expect(old.seconds == nil && old.generatorLearningRate == nil && old.generator.norms.isEmpty)
    #expect(String(decoding: try lines[0].encoded(), as: UTF8.self) == #"{"loss_d":1,"loss_g":0.7,"step":10}"#)
    // Neither a mixture's, nor the synthetic setting's, nor today's image metrics' fields: kept as JSON.
    guard case .other = evaluation else { throw CancellationError() }
    #expect(evaluation.numbers == ["fid": 12.5, "features2.fid": 13])
    #expect(evaluation.tensorBoardScalars.map(\.tag) == ["eval/features2/fid", "eval/fid"])
  }

  @Test func tensorBoardScalarsAreTheLinesNumbers() throws {
    let text = String(decoding: try Self.fixture("theory.metrics.jsonl"), as: UTF8.self)
    guard case .training(let line) = MetricsLine.lines(of: text).lines[0] else { throw CancellationError() }
    #expect(
      line.tensorBoardScalars.map(\.tag) == [
        "d_grad_norm/bias", "d_grad_norm/neurons", "d_grad_norm/scale", "d_update_norm/bias",
        "d_update_norm/neurons", "d_update_norm/scale", "g_grad_norm/neurons", "g_update_norm/neurons", "loss_d",
        "loss_g", "lr_d", "lr_g",
      ])
    let mixture = MetricsLine.lines(
      of: String(decoding: try Self.fixture("ring8-ada-nsgda.metrics.jsonl"), as: UTF8.self)
    ).lines[1]
    guard case .evaluation(_, let evaluation) = mixture else { throw CancellationError() }
    #expect(
      evaluation.tensorBoardScalars.map(\.tag) == [
        "eval/highQualityShare", "eval/klToUniform", "eval/modeCount", "eval/modesCovered",
      ])
  }

  /// eval.json from its parts: the evaluation of the run's last eval line (the same checkpoint measured
  /// again) and the provenance the fixture recorded.
  @Test(arguments: ["ring8-ada-nsgda", "theory"])
  func evaluationFilesAreWrittenAsBefore(name: String) throws {
    let expected = try Self.fixture("\(name).eval.json")
    let fields = try #require(JSONValue.parse(expected).dictionary)
    let provenance = try JSONDecoder().decode(Provenance.self, from: try #require(fields["provenance"]).jsonData())
    let text = String(decoding: try Self.fixture("\(name).metrics.jsonl"), as: UTF8.self)
    guard case .evaluation(let step, let evaluation) = MetricsLine.lines(of: text).lines.last else {
      throw CancellationError()
    }
    let written = try EvaluationFile(evaluation: evaluation, step: step, provenance: provenance).encoded()
    #expect(String(decoding: written, as: UTF8.self) == String(decoding: expected, as: UTF8.self))
    // Read back as the type, and written again byte for byte.
    let read = try EvaluationFile.read(expected)
    #expect(read.step == step && read.evaluation == evaluation && read.batchNormTrainMode == nil)
    #expect(String(decoding: try read.encoded(), as: UTF8.self) == String(decoding: expected, as: UTF8.self))
  }

  @Test func anImageEvaluationReadsWithItsBatchNormAndInceptionParts() throws {
    let fixture = try #require(JSONValue.parse(try Self.fixture("theory.eval.json")).dictionary)
    let provenance = String(decoding: try #require(fixture["provenance"]).jsonData(), as: UTF8.self)
    let text = """
      {"fid": 12.5, "classCount": 10, "step": 300, "provenance": \(provenance), "batchNormTrainMode": {"fid": 14.0},
       "inception": \(Self.inceptionPart)}
      """
    let read = try EvaluationFile.read(Data(text.utf8))
    #expect(read.step == 300 && read.evaluation.numbers == ["fid": 12.5, "classCount": 10])
    #expect(read.batchNormTrainMode?.numbers == ["fid": 14.0] && read.inception?.fid == 40.1)
    #expect(read.inception?.inceptionScoreSplits == 10 && read.inception?.weights == "/w/pt_inception.pth")
    // Every number of the file, as tables read them: the image part's, batch norm's, Inception's.
    #expect(read.measures.map(\.key).contains("batchNormTrainMode.fid"))
    #expect(read.measures.first { $0.key == "inception.fid" }.map { ($0.value, $0.label) }! == (40.1, "FID (Inception)"))
    #expect(read.provenance != nil)
    #expect(try EvaluationFile.read(Data(#"{"fid": 3, "step": 2}"#.utf8)).provenance == nil)
    for (bad, says) in [
      ("[1]", "not a JSON object"), ("{\"fid\": 1}", "has no step"), ("{\"step\": 1.5}", "has no step"),
      ("{\"step\": 3, \"provenance\": 7}", "provenance cannot be read"), ("{", "not valid JSON"),
      ("{\"step\": 3, \"inception\": {\"fid\": 40.1}}", "inception cannot be read"),
    ] {
      #expect("\((try? EvaluationFile.read(Data(bad.utf8))).map { "\($0.step)" } ?? "refused")" == "refused")
      do {
        _ = try EvaluationFile.read(Data(bad.utf8))
      } catch {
        #expect("\(error)".contains(says), "\(bad): \(error)")
      }
    }
  }

  /// An image evaluator's metrics travel as `ImageMetrics`, and read back as them from the JSON they are
  /// written as; an object with a number they do not hold, or without one they need, stays JSON whole.
  @Test func imageMetricsReadBackAsTheirTypeAndNothingIsDropped() throws {
    var metrics = ImageMetrics(
      fid: 12.5, classesCovered: 9, classCount: 10, klToUniform: 0.05, meanConfidence: 0.9,
      classCounts: [10, 9, 11, 10, 10, 10, 10, 10, 10, 0], minimumClassShare: 0.02, classifierAccuracy: 0.91,
      sampleCount: 90, referenceCount: 100)
    metrics.kid = 0.01
    let encoder = JSONEncoder()
    encoder.outputFormatting = .sortedKeys
    let written = try JSONValue.parse(try encoder.encode(Evaluation.images(metrics)))
    #expect(written == (try JSONValue.parse(try encoder.encode(metrics))))
    #expect(Evaluation(json: written) == .images(metrics))
    #expect(Evaluation(json: written).measures.map(\.key) == metrics.measures.map(\.key))
    guard case .object(let members) = written else {
      Issue.record("not an object")
      return
    }
    let extra = JSONValue.object(members + [(key: "fidNew", value: .number("3"))])
    #expect(Evaluation(json: extra) == .other(extra))
    #expect(Evaluation(json: extra).numbers["fidNew"] == 3)
    let partial = JSONValue.object(members.filter { $0.key != "classCount" })
    #expect(Evaluation(json: partial) == .other(partial))
  }

  /// eval.json's `inception` object as `graft evaluate --inception-weights` writes it.
  static let inceptionPart = """
    {"fid": 40.1, "kid": 0.02, "kidStd": 0.001, "precision": 0.6, "recall": 0.5, "inceptionScore": 3.2,
     "inceptionScoreStd": 0.1, "inceptionScoreSplits": 10, "sampleCount": 500, "referenceCount": 500,
     "weights": "/w/pt_inception.pth", "referenceFeatures": "/c/ref.npy"}
    """
}
