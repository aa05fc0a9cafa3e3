import Foundation
import GraftData
import GraftEngine
import GraftIO
import GraftReport
import GraftRun

/// A reader of files Graft is given, as the fuzzers call it (issue 28): one folder of real files in
/// Tests/Fuzz/Corpus per target.
public struct FuzzTarget: Sendable {
  public let name: String
  /// Reads `input` (written at `file` first for the readers that take a path); throws what the reader throws.
  public let read: @Sendable (_ input: Data, _ file: URL) throws -> Void
  public let usesFile: Bool

  /// The extension the input file gets (the config loader picks JSON or YAML by it).
  public var fileSuffix: String { name == "config-yaml" ? ".yaml" : name == "config-json" ? ".json" : ".bin" }

  /// Raw error texts that must never reach a user.
  public static let rawTexts = [
    "DecodingError", "NSCocoaErrorDomain", "Foundation.", "Swift.Decoding", "codingPath", "Error Domain=",
  ]

  /// Whether a refusal's text is fit for a user: one line, no raw Foundation or Swift error text.
  public static func isFit(_ message: String) -> Bool {
    !message.contains("\n") && !rawTexts.contains(where: message.contains)
  }

  public static let all: [FuzzTarget] = [
    FuzzTarget(name: "safetensors", read: { data, _ in _ = try SafeTensorsFile.read(data: data, source: "input") }, usesFile: false),
    FuzzTarget(name: "npy", read: { data, _ in _ = try NPY.read(data: data, source: "input", as: Float.self) }, usesFile: false),
    FuzzTarget(name: "idx", read: { _, file in _ = try IDXFile(contentsOf: file.path, limit: 100) }, usesFile: true),
    // PyTorch state dicts (zip and legacy .pth, through the restricted unpickler) and NumPy's .npz.
    FuzzTarget(name: "pth", read: { _, file in _ = try TorchStateDict.read(from: file) }, usesFile: true),
    FuzzTarget(name: "npz", read: { _, file in _ = try NPZ.read(file, as: Double.self) }, usesFile: true),
    FuzzTarget(name: "config-json", read: { _, file in _ = try TrainingConfig.load(file: file.path) }, usesFile: true),
    FuzzTarget(name: "config-yaml", read: { _, file in _ = try TrainingConfig.load(file: file.path) }, usesFile: true),
    FuzzTarget(
      name: "metrics",
      read: { data, file in
        _ = MetricsLog(text: String(decoding: data, as: UTF8.self))
        _ = TheoryTimeline(metrics: file)
      }, usesFile: true),
  ]
}
