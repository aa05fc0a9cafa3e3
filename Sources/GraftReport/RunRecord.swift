import Foundation
import GraftRun
import GraftIO

/// Everything the report shows about one run directory, read from its files (see `RunDirectory`).
/// Only config.json is required; a run still going has no summary.json, a run never evaluated by
/// `graft evaluate` has no eval.json, and the synthetic setting writes no samples.
public struct RunRecord: Sendable {
  /// Short name for tables and legends (the directory's name, see `ReportInputs.names`).
  public var name: String
  public var url: URL
  /// config.json's `config` object, flattened to dotted keys, plus `gitCommit`.
  public var config: [String: JSONValue]
  public var metrics: MetricsLog
  /// summary.json, when the run finished (or stopped).
  public var summary: TrainingSummary?
  /// eval.json, when `graft evaluate` measured the run.
  public var evaluation: EvaluationFile?
  /// The latest samples/step-NNNNNN.png.
  public var latestSample: (step: Int, png: Data)?
  /// Parameter shapes from the latest checkpoint's header (`generator.0.weight` → [512, 100]); empty
  /// when there is no checkpoint.
  public var parameterShapes: [String: [Int]] = [:]

  public init(
    name: String, url: URL, config: [String: JSONValue], metrics: MetricsLog = MetricsLog(),
    summary: TrainingSummary? = nil, evaluation: EvaluationFile? = nil,
    latestSample: (step: Int, png: Data)? = nil
  ) {
    self.name = name
    self.url = url
    self.config = config
    self.metrics = metrics
    self.summary = summary
    self.evaluation = evaluation
    self.latestSample = latestSample
  }

  public var status: RunStatus? { summary?.status }

  public var generatorOptimizer: String { config["generatorOptimizer"]?.text ?? "?" }
  public var discriminatorOptimizer: String { config["discriminatorOptimizer"]?.text ?? "?" }

  /// "adam" when both players use Adam, "G adam / D sgda" otherwise.
  /// The paper's magnitude ratio for this run (layers picked with the parameter shapes).
  public var magnitudeRatio: MagnitudeRatio { MagnitudeRatio(metrics, shapes: parameterShapes) }

  public var optimizerLabel: String {
    generatorOptimizer == discriminatorOptimizer
      ? generatorOptimizer : "G \(generatorOptimizer) / D \(discriminatorOptimizer)"
  }

  /// Reads the run in `url`, named `name` (default: the directory's name).
  public static func load(_ url: URL, name: String? = nil) throws -> RunRecord {
    let run = RunDirectory(url)
    var isDirectory: ObjCBool = false
    guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory) else {
      throw ReportError("\(url.path): no such run directory")
    }
    guard isDirectory.boolValue else { throw ReportError("\(url.path) is a file, not a run directory") }
    guard let configData = try? Data(contentsOf: run.config) else {
      let runsInside = Self.runDirectories(in: url)
      let examples =
        runsInside.prefix(3).map(\.lastPathComponent).joined(separator: ", ") + (runsInside.count > 3 ? ", ..." : "")
      let hint =
        runsInside.isEmpty
        ? "is \(url.path) a Graft run directory (written by `graft train --out`)?"
        : "it holds \(runsInside.count) run directories (\(examples)): pass them, e.g. \(url.path)/*"
      throw ReportError("\(run.config.path) is missing: \(hint)")
    }
    let saved: JSONValue
    do {
      saved = try JSONValue.parse(configData)
    } catch {
      throw ReportError("\(run.config.path) is not valid JSON: \(error)")
    }
    guard let configObject = saved["config"], case .object = configObject else {
      throw ReportError("\(run.config.path) has no \"config\" object (is it a Graft config.json?)")
    }
    var config = configObject.flattened()
    // The build's commit: provenance.gitCommit, or gitCommit in config.json of older runs.
    if let commit = saved["provenance"]?["gitCommit"] ?? saved["gitCommit"], commit != .null {
      config["gitCommit"] = commit
    }

    var record = RunRecord(name: name ?? url.lastPathComponent, url: url, config: config)
    if let text = try? String(contentsOf: run.metrics, encoding: .utf8) { record.metrics = MetricsLog(text: text) }
    // A damaged summary or evaluation stops the report: shown as missing, it would read as a run that
    // never finished.
    do {
      record.summary = try run.readSummary()
      record.evaluation = try run.readEvaluation()
    } catch let error as UnreadableRunFile {
      throw ReportError(
        "\(error); move it away to report the run without it (`graft train --resume` writes summary.json again, `graft evaluate` eval.json)")
    }
    record.parameterShapes = ParameterShapes.read(run.latestCheckpoint)
    if let latest = latestSampleFile(run) {
      record.latestSample = (latest.step, try Data(contentsOf: latest.url))
    }
    return record
  }

  /// The sample picture with the largest step, if any.
  static func latestSampleFile(_ run: RunDirectory) -> (step: Int, url: URL)? {
    let names = (try? FileManager.default.contentsOfDirectory(atPath: run.samples.path)) ?? []
    return names.compactMap { name -> (Int, URL)? in
      guard name.hasPrefix("step-"), name.hasSuffix(".png"), let step = Int(name.dropFirst(5).dropLast(4)) else {
        return nil
      }
      return (step, run.samples.appendingPathComponent(name))
    }.max { $0.0 < $1.0 }
  }

  /// Subdirectories of `url` that hold a config.json (for the error about a sweep's root).
  static func runDirectories(in url: URL) -> [URL] {
    let names = (try? FileManager.default.contentsOfDirectory(atPath: url.path)) ?? []
    return names.sorted().map { url.appendingPathComponent($0) }.filter {
      FileManager.default.fileExists(atPath: $0.appendingPathComponent("config.json").path)
    }
  }

  /// Distinct names for runs: each directory's name, with parent directories prepended where two
  /// runs would otherwise share one (runs/a/adam and runs/b/adam become a/adam and b/adam).
  public static func names(for urls: [URL]) -> [String] {
    let parts = urls.map { $0.standardizedFileURL.pathComponents.filter { $0 != "/" } }
    var depth = Array(repeating: 1, count: urls.count)
    func name(_ i: Int) -> String { parts[i].suffix(depth[i]).joined(separator: "/") }
    for _ in 0..<32 {
      let counts = Dictionary(grouping: urls.indices, by: name)
      let clashes = counts.values.filter { $0.count > 1 }
      guard !clashes.isEmpty else { break }
      var grew = false
      for group in clashes {
        for i in group where depth[i] < parts[i].count {
          depth[i] += 1
          grew = true
        }
      }
      if !grew { break }
    }
    // The same directory given twice keeps clashing: number the repeats.
    var seen: [String: Int] = [:]
    return urls.indices.map { i in
      let n = name(i).isEmpty ? "run" : name(i)
      seen[n, default: 0] += 1
      return seen[n]! > 1 ? "\(n) (\(seen[n]!))" : n
    }
  }
}
