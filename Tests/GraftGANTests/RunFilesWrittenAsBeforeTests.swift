import Foundation
import GraftTestSupport
import Testing

/// Runs trained now write metrics.jsonl and eval.json as a binary before the run-file types did
/// (Tests/GraftRunTests/Fixtures, written by commit 9548ba7 with these commands and
/// OPENBLAS_CORETYPE=Haswell): byte for byte but for the elapsed `time`, and eval.json's provenance,
/// which name the moment and the binary. Both sides use Haswell's kernels, which every x86-64 CPU Graft
/// runs on has, since other kernel sets round the products' last bits differently.
@Suite("Run files written as before")
struct RunFilesWrittenAsBeforeTests {
  static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    .appendingPathComponent("../GraftRunTests/Fixtures").standardized

  static let runs: [(name: String, arguments: [String], evaluated: Bool)] = [
    (
      "ring8-ada-nsgda",
      [
        "--preset", "ring8-mlp", "--steps", "60", "--log-every", "20", "--evaluate-every", "30", "--optimizer",
        "ada-nsgda",
      ],
      true
    ),
    ("theory", ["--preset", "theory", "--steps", "40", "--log-every", "20", "--evaluate-every", "20"], true),
    (
      "ring8-graft-rmsprop-nsgd",
      [
        "--preset", "ring8-mlp", "--steps", "20", "--log-every", "10", "--g-optimizer", "graft:rmsprop:nsgd",
        "--d-optimizer", "sgda", "--warmup", "5", "--schedule", "linear",
      ],
      false
    ),
  ]

  /// The text without the values that name the moment or the binary.
  static func timeless(_ text: String) -> String {
    text.replacing(#/"time":[0-9.e+-]+/#, with: "\"time\":T")
      .replacing(#/"provenance" : \{[^}]*\}/#, with: "\"provenance\" : P")
  }

  @Test(arguments: runs.indices)
  func aRunWritesWhatItWroteBefore(index: Int) throws {
    let (name, arguments, evaluated) = Self.runs[index]
    let directory = temporaryDirectory("written-as-before-\(name)")
    defer { try? FileManager.default.removeItem(at: directory) }
    let kernels = ["OPENBLAS_CORETYPE": "Haswell"]
    let (status, output) = try runGraft(["train"] + arguments + ["--out", directory.path], environment: kernels)
    #expect(status == 0, "\(output)")
    let fixture = try String(
      contentsOf: Self.fixtures.appendingPathComponent("\(name).metrics.jsonl"), encoding: .utf8)
    let written = try String(contentsOf: directory.appendingPathComponent("metrics.jsonl"), encoding: .utf8)
    #expect(Self.timeless(written) == Self.timeless(fixture))
    guard evaluated else { return }
    let (evaluateStatus, evaluateOutput) = try runGraft(["evaluate", directory.path], environment: kernels)
    #expect(evaluateStatus == 0, "\(evaluateOutput)")
    let expected = try String(contentsOf: Self.fixtures.appendingPathComponent("\(name).eval.json"), encoding: .utf8)
    let evaluation = try String(contentsOf: directory.appendingPathComponent("eval.json"), encoding: .utf8)
    #expect(Self.timeless(evaluation) == Self.timeless(expected))
  }
}
