import Foundation
import GraftIO
import GraftReport
import GraftRun
import GraftTestSupport
import Testing

/// Two tiny run directories, written as `graft train` would: they differ in the generator's
/// optimizer and learning rate; the second one has an eval.json.
struct FakeRuns {
  let root: URL
  let adam: URL
  let sgda: URL

  static let onePixelPNG = Data(
    base64Encoded: "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==")!

  init() throws {
    root = temporaryDirectory("runs")
    adam = root.appendingPathComponent("adam-run")
    sgda = root.appendingPathComponent("sgda<run>")
    try Self.write(adam, optimizer: "adam", lr: 0.001, modes: 7, eval: nil)
    try Self.write(
      sgda, optimizer: "sgda", lr: 0.01, modes: 1, eval: #"{"step": 40, "fid": 42.5, "#  + Self.imageMetricsRest + "}")
  }

  /// The fields of GraftEval's ImageMetrics other than FID and the feature-space metrics.
  static let imageMetricsRest = #""classesCovered": 9, "classCount": 10, "klToUniform": 0.2, "meanConfidence": 0.8, "#
    + #""classCounts": [1, 2, 3, 4, 5, 6, 7, 8, 9, 0], "minimumClassShare": 0.01, "classifierAccuracy": 0.9, "#
    + #""sampleCount": 100, "referenceCount": 100"#

  static func write(_ dir: URL, optimizer: String, lr: Double, modes: Int, eval: String?, seed: Int? = nil) throws {
    try FileManager.default.createDirectory(
      at: dir.appendingPathComponent("samples"), withIntermediateDirectories: true)
    let config = """
      {"config": {"dataset": "ring8", "model": "mlp", "steps": 40, "batchSize": 64,
        "generatorOptimizer": "\(optimizer)", "discriminatorOptimizer": "adam",
        "generatorSettings": {"learningRate": \(lr), "beta1": 0.5},
        "discriminatorSettings": {"learningRate": 0.001, "beta1": 0.5}, "simultaneous": false\(seed.map { ", \"seed\": \($0)" } ?? "")},
       "gitCommit": "abc"}
      """
    try Data(config.utf8).write(to: dir.appendingPathComponent("config.json"))
    var lines = ""
    for step in stride(from: 10, through: 40, by: 10) {
      let g = Double(step) * lr
      lines += """
        {"step": \(step), "loss_d": \(1.0 + Double(step) / 100), "loss_g": 0.8, "time": \(Double(step) / 10), "lr_g": \(lr), "lr_d": 0.001, \
        "g_update_norm": {"0.weight": \(g), "0.bias": \(g / 10), "2.weight": \(2 * g)}, \
        "d_update_norm": {"0.weight": 0.01, "0.bias": 0.001, "2.weight": 0.02}}

        """
      if step % 20 == 0 {
        lines += #"{"step": \#(step), "eval": {"modesCovered": \#(modes), "modeCount": 8, "highQualityShare": 0.5, "#
        lines += #""klToUniform": 0.1, "counts": [1, 2, 3, 4, 5, 6, 7, 8]}}"# + "\n"
      }
    }
    try Data(lines.utf8).write(to: dir.appendingPathComponent("metrics.jsonl"))
    let summary = """
      {"status": "finished", "steps": 40, "wallSeconds": 2, "stepsPerSecond": 20, "discriminatorLoss": 1.4,
       "generatorLoss": 0.8, "mixture": {"modesCovered": \(modes), "modeCount": 8, "highQualityShare": 0.5,
       "klToUniform": 0.1, "counts": [1, 2, 3, 4, 5, 6, 7, 8]},
       "provenance": {"gitCommit": "abc", "sourcesModified": false, "threads": 2, "blasCoreType": "Haswell",
                      "cpuModel": "AMD EPYC"}}
      """
    try Data(summary.utf8).write(to: dir.appendingPathComponent("summary.json"))
    if let eval { try Data(eval.utf8).write(to: dir.appendingPathComponent("eval.json")) }
    try onePixelPNG.write(to: dir.appendingPathComponent("samples/step-000020.png"))
    try onePixelPNG.write(to: dir.appendingPathComponent("samples/step-000040.png"))
  }
}

@Suite struct HTMLReportTests {
  @Test func reportComparesTheRuns() throws {
    let runs = try FakeRuns()
    defer { try? FileManager.default.removeItem(at: runs.root) }
    let report = try HTMLReport.load([runs.adam, runs.sgda], title: "Two runs", generated: nil)
    let html = report.render()

    #expect(html.hasPrefix("<!DOCTYPE html>"))
    // Run names (escaped where needed).
    #expect(html.contains("adam-run"))
    #expect(html.contains("sgda&lt;run&gt;") && !html.contains("sgda<run>"))
    // The settings that differ, the optimizer names, and not the ones that agree.
    #expect(html.contains(">generatorSettings.learningRate<"))
    #expect(html.contains(">generatorOptimizer<") && html.contains(">discriminatorOptimizer<"))
    #expect(html.contains(">0.001<") && html.contains(">0.01<"))
    #expect(!html.contains(">discriminatorSettings.learningRate<"))
    #expect(!html.contains(">simultaneous<"))
    #expect(html.contains("dataset = ring8"))
    // One metrics row per run, with summary and eval.json metrics.
    #expect(occurrences(of: "<tr class=\"run-row\">", in: html) == 2)
    #expect(html.contains("7 / 8") && html.contains("1 / 8"))
    #expect(html.contains("FID (eval)") && html.contains(">42.5<"))
    #expect(html.contains("classes covered (eval)"))
    // Latest samples embedded, charts inline, nothing fetched.
    #expect(occurrences(of: "data:image/png;base64,", in: html) == 2)
    #expect(html.contains("step 40"))
    #expect(html.contains("<svg"))
    #expect(!html.contains("http://") && !html.contains("https://"))
    #expect(!html.contains("src=\"/") && !html.contains("url("))
    // Every inline chart is well-formed, and the expected ones are there.
    let svgs = inlineSVGs(html)
    #expect(svgs.count >= 10)
    for svg in svgs { #expect(XMLTree.parse(svg) != nil, "malformed SVG:\n\(svg)") }
    let titles = svgs.compactMap { XMLTree.parse($0)?.all("text", class: "title").first?.text }
    #expect(titles.contains("Discriminator loss"))
    #expect(titles.contains("modes covered during training"))
    #expect(titles.contains("Update ratio mean‖ΔG‖ / mean‖ΔD‖ over layers"))
    #expect(titles.contains("FID (eval)"))
    #expect(titles.contains { $0.hasPrefix("Update ratio ‖ΔG‖/‖ΔD‖ per layer: adam-run") })
  }

  @Test func imageMetricsOfTheLastEvaluationInEveryFeatureSpaceAreShown() throws {
    let runs = try FakeRuns()
    defer { try? FileManager.default.removeItem(at: runs.root) }
    // An image run's eval lines: FID, KID, precision, recall in three spaces; the last line counts.
    var lines = ""
    for (step, fid) in [(20, 80.0), (40, 61.5)] {
      lines += #"{"step": \#(step), "eval": {"fid": \#(fid), "kid": 0.25, "precision": 0.71, "recall": 0.42, "#
      lines += #""fidPreReLU": 70.5, "kidPreReLU": 0.31, "recallPreReLU": 0.38, "fidSeed1": 55.5, "#
      lines += #""precisionSeed1": 0.66, "# + FakeRuns.imageMetricsRest + "}}\n"
    }
    let metrics = runs.adam.appendingPathComponent("metrics.jsonl")
    try Data((try String(contentsOf: metrics, encoding: .utf8) + lines).utf8).write(to: metrics)
    let report = try HTMLReport.load([runs.adam, runs.sgda], title: "Image metrics", generated: nil)
    let table = ComparisonTable(report.runs)
    func column(_ key: String) -> ComparisonTable.Column? { table.columns.first { $0.key == "lastEval." + key } }
    #expect(column("fid")?.values == [61.5, nil])
    #expect(column("fidSeed1")?.label == "FID (2nd classifier) (last eval)")
    #expect(column("kidPreReLU")?.label == "KID (pre-ReLU) (last eval)")
    #expect(column("recallPreReLU")?.values == [0.38, nil])
    #expect(column("precisionSeed1")?.values == [0.66, nil])
    // Keys no run has get no column.
    #expect(column("recallSeed1") == nil)
    let html = report.render()
    #expect(html.contains("KID (pre-ReLU) (last eval)") && html.contains("precision (2nd classifier) (last eval)"))
    // Curves over steps for every feature space, labelled.
    let titles = inlineSVGs(html).compactMap { XMLTree.parse($0)?.all("text", class: "title").first?.text }
    #expect(titles.contains("recall (pre-ReLU) during training"))
    #expect(titles.contains("FID (2nd classifier) during training"))
    // The other numbers of an image evaluation are not feature-space metrics: no "last eval" column.
    #expect(column("classesCovered") == nil && column("sampleCount") == nil)
    #expect(Measure.label(fromKey: "inception.someNewMetric") == "some new metric")
  }

  @Test func ratioInTheTableMatchesTheHandComputedOne() throws {
    let runs = try FakeRuns()
    defer { try? FileManager.default.removeItem(at: runs.root) }
    let record = try RunRecord.load(runs.sgda)
    // G layers 0.weight (0.01 * step) and 2.weight (twice that) against D's 0.01 and 0.02:
    // mean G = 0.015 * step, mean D = 0.015 → ratio = step.
    let ratio = MagnitudeRatio(record.metrics)
    #expect(ratio.aggregate.map { ($0.y * 1e9).rounded() / 1e9 } == [10, 20, 30, 40])
    #expect(
      ratio.layers.map { $0.points.map { ($0.y * 1e9).rounded() / 1e9 } } == [[10, 20, 30, 40], [10, 20, 30, 40]])
    let table = ComparisonTable([record])
    let column = try #require(table.columns.first { $0.key == "updateRatio" })
    #expect(abs((column.values[0] ?? 0) - 35) < 1e-9)
  }

  @Test func loadsWhatARunHas() throws {
    let runs = try FakeRuns()
    defer { try? FileManager.default.removeItem(at: runs.root) }
    let record = try RunRecord.load(runs.sgda)
    #expect(record.name == "sgda<run>")
    #expect(record.optimizerLabel == "G sgda / D adam")
    #expect(record.config["generatorSettings.learningRate"] == .number("0.01"))
    #expect(record.config["gitCommit"] == .string("abc"))
    #expect(record.status == .finished)
    #expect(record.summary?.mixture?.modesCovered == 1)
    // Its results as tables read them: the mixture's measures, with their bounds (not the counts or the
    // provenance, which describes the machine).
    #expect(record.summary?.measures.map(\.key) == ["mixture.modesCovered", "mixture.highQualityShare", "mixture.klToUniform"])
    #expect(record.summary?.measures.first?.bounds == 0...8 && record.summary?.measures.first?.total == 8)
    let evaluation = try #require(record.evaluation?.measures)
    #expect(evaluation.first { $0.key == "fid" }?.value == 42.5)
    #expect(evaluation.first { $0.key == "classesCovered" }.map { ($0.value, $0.total, $0.label) }! == (9, 10, "classes covered"))
    #expect(record.latestSample?.step == 40)
    #expect(record.metrics.entries.count == 4 && record.metrics.evaluations.count == 2)
  }

  @Test func clearErrorsForWhatIsNotARun() throws {
    let runs = try FakeRuns()
    defer { try? FileManager.default.removeItem(at: runs.root) }
    let missing = runs.root.appendingPathComponent("nope")
    let e1 = #expect(throws: ReportError.self) { try HTMLReport.load([runs.adam, missing]) }
    #expect(e1?.message.contains("nope") == true && e1?.message.contains("no such run directory") == true)

    let empty = runs.root.appendingPathComponent("empty")
    try FileManager.default.createDirectory(at: empty, withIntermediateDirectories: true)
    let e2 = #expect(throws: ReportError.self) { try RunRecord.load(empty) }
    #expect(e2?.message.contains("empty/config.json is missing") == true)

    // The root of several runs: the error names them.
    let e3 = #expect(throws: ReportError.self) { try RunRecord.load(runs.root) }
    #expect(e3?.message.contains("holds 2 run directories") == true)
    #expect(e3?.message.contains("adam-run") == true)

    let broken = runs.root.appendingPathComponent("broken")
    try FileManager.default.createDirectory(at: broken, withIntermediateDirectories: true)
    try Data("{not json".utf8).write(to: broken.appendingPathComponent("config.json"))
    let e4 = #expect(throws: ReportError.self) { try RunRecord.load(broken) }
    #expect(e4?.message.contains("not valid JSON") == true)

    #expect(throws: ReportError.self) { try HTMLReport.load([]) }

    // A damaged summary or eval.json stops the report, named, instead of showing the run as unfinished.
    for (file, text) in [("summary.json", #"{"status": "finished"}"#), ("eval.json", "{\"fid\": 1")] {
      let copy = runs.root.appendingPathComponent("damaged-" + file)
      try FileManager.default.copyItem(at: runs.sgda, to: copy)
      try Data(text.utf8).write(to: copy.appendingPathComponent(file))
      let e = #expect(throws: ReportError.self) { try RunRecord.load(copy) }
      #expect(e?.message.contains("damaged-\(file)/\(file) cannot be read") == true, "\(e?.message ?? "")")
      #expect(e?.message.contains("move it away") == true)
    }
  }

  @Test func aRunWithOnlyAConfigStillRenders() throws {
    let dir = temporaryDirectory("bare")
    defer { try? FileManager.default.removeItem(at: dir) }
    try Data(#"{"config": {"generatorOptimizer": "adam", "discriminatorOptimizer": "adam"}}"#.utf8)
      .write(to: dir.appendingPathComponent("config.json"))
    let html = try HTMLReport.load([dir], generated: nil).render()
    #expect(html.contains("no summary.json"))
    #expect(html.contains("no samples"))
    for svg in inlineSVGs(html) { #expect(XMLTree.parse(svg) != nil) }
  }

  @Test func runNamesAreMadeDistinct() {
    let urls = ["/x/a/adam", "/x/b/adam", "/x/sgda", "/x/sgda"].map { URL(fileURLWithPath: $0) }
    #expect(RunRecord.names(for: urls) == ["a/adam", "b/adam", "x/sgda", "x/sgda (2)"])
  }

  @Test func configDifferences() {
    func run(_ config: [String: JSONValue]) -> RunRecord {
      RunRecord(name: "r", url: URL(fileURLWithPath: "/r"), config: config)
    }
    let diff = ConfigDifferences([
      run([
        "generatorOptimizer": .string("adam"), "discriminatorOptimizer": .string("adam"), "steps": .number("10"),
        "seed": .number("1"), "dataset": .string("ring8"),
      ]),
      run([
        "generatorOptimizer": .string("adam"), "discriminatorOptimizer": .string("adam"), "steps": .number("10"),
        "seed": .number("2"), "dataset": .string("ring8"), "emaDecay": .number("0.999"),
      ]),
    ])
    #expect(diff.keys == ["generatorOptimizer", "discriminatorOptimizer", "emaDecay", "seed"])
    #expect(diff.values["emaDecay"] == ["—", "0.999"])
    #expect(diff.values["seed"] == ["1", "2"])
    #expect(diff.shared.map(\.key) == ["dataset", "steps"])
  }

  /// Found by `graft-fuzz`: a metrics line whose step is no integer (1e308) trapped `graft report`; such
  /// lines are skipped and counted.
  @Test func metricsLinesWithStepsThatAreNoIntegersAreSkipped() {
    let log = MetricsLog(
      text: #"{"step": 1e308, "loss_d": 1, "loss_g": 1}"# + "\n" + #"{"step": -1.5, "loss_d": 1, "loss_g": 1}"# + "\n"
        + #"{"step": 10, "loss_d": 0.5, "loss_g": 1}"# + "\n")
    #expect(log.entries.map(\.step) == [10])
    #expect(log.skippedLines == 2)
  }
}
