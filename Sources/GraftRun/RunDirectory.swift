import Foundation
import GraftIO

/// The files of one training run:
///
///     config.json       every setting, the seed and the git commit
///     metrics.jsonl     one JSON object per logged step
///     checkpoints/      latest.safetensors and the last few step-NNNNNN.safetensors
///     samples/          step-NNNNNN.png from fixed latent vectors
///     tensorboard/      TensorBoard event file (unless --no-tensorboard)
///     summary.json      written at the end
///     eval.json         written by `graft evaluate`: the latest checkpoint measured again
public struct RunDirectory: Sendable {
  public let url: URL

  public init(_ url: URL) { self.url = url }

  public var config: URL { url.appendingPathComponent("config.json") }
  public var metrics: URL { url.appendingPathComponent("metrics.jsonl") }
  public var summary: URL { url.appendingPathComponent("summary.json") }
  public var evaluation: URL { url.appendingPathComponent("eval.json") }
  public var checkpoints: URL { url.appendingPathComponent("checkpoints") }
  public var samples: URL { url.appendingPathComponent("samples") }
  public var tensorboard: URL { url.appendingPathComponent("tensorboard") }
  public var latestCheckpoint: URL { checkpoints.appendingPathComponent("latest.safetensors") }

  public func checkpoint(step: Int) -> URL {
    checkpoints.appendingPathComponent(String(format: "step-%06d.safetensors", step))
  }

  public func sample(step: Int) -> URL {
    samples.appendingPathComponent(String(format: "step-%06d.png", step))
  }

  /// Creates the directory tree.
  public func create() throws {
    for dir in [url, checkpoints, samples] {
      try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    }
  }

  /// The kept step checkpoints, oldest first.
  public func stepCheckpoints() -> [URL] {
    let names = (try? FileManager.default.contentsOfDirectory(atPath: checkpoints.path)) ?? []
    return names.filter { $0.hasPrefix("step-") && $0.hasSuffix(".safetensors") }.sorted()
      .map { checkpoints.appendingPathComponent($0) }
  }

  /// Appends one line to metrics.jsonl.
  public func appendMetrics(_ line: MetricsLine) throws {
    let data = try line.encoded() + Data("\n".utf8)
    if let handle = try? FileHandle(forWritingTo: metrics) {
      defer { try? handle.close() }
      try handle.seekToEnd()
      try handle.write(contentsOf: data)
    } else {
      try data.write(to: metrics)
    }
  }

  /// Writes a JSON-encodable value, pretty-printed, atomically.
  public func writeJSON<T: Encodable>(_ value: T, to file: URL) throws {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
    try AtomicFile.write(try encoder.encode(value), to: file)
  }
}
