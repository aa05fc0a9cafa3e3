import Foundation
import GraftData
import GraftGAN
import GraftGANTestSupport
import GraftRun
import GraftTestSupport
import Testing

/// What a run reads back is checked against what it should be, and what it writes is the same for the
/// same seed (issue 28).
@Suite("Run files: read back checked, written reproducibly", .serialized)
struct RunFileChecksTests {
  /// A config.json that is not JSON once surfaced as `DecodingError.dataCorrupted …`.
  @Test func aMalformedConfigOnResumeIsRefusedNamingTheFile() throws {
    let directory = temporaryDirectory("bad-config")
    try Trainer(config: smallConfig(), directory: directory).train(stopAt: 10, log: { _ in })
    let file = RunDirectory(directory).config
    try Data("{\"config\": {\"steps\": 30,".utf8).write(to: file)
    let message = thrownMessage { _ = try Trainer.resume(directory) }
    #expect(message.hasPrefix("\(file.path) cannot be read as a run's config: it is not valid JSON"), "\(message)")
    #expect(!message.contains("DecodingError") && !message.contains("codingPath"), "\(message)")
    // Through the command line: one line, the same words.
    let (status, output) = try runGraft(["train", "--resume", directory.path])
    #expect(status != 0)
    #expect(output.contains("\(file.path) cannot be read as a run's config"), "\(output)")
    #expect(!output.contains("DecodingError"), "\(output)")
    // A setting of the wrong kind names the key.
    try Data(#"{"config": {"steps": "thirty"}}"#.utf8).write(to: file)
    let typed = thrownMessage { _ = try Trainer.resume(directory) }
    #expect(typed.contains(file.path) && typed.contains("steps"), "\(typed)")
  }

  /// config.json asking for fewer steps than the checkpoint has once resumed "at step 20 of 15".
  @Test func aCheckpointBeyondTheConfigsStepsIsRefused() throws {
    let directory = temporaryDirectory("beyond")
    try Trainer(config: smallConfig(), directory: directory).train(stopAt: 20, log: { _ in })
    let file = RunDirectory(directory).config
    let text = try String(contentsOf: file, encoding: .utf8)
    #expect(text.contains("\"steps\" : 30"))
    try Data(text.replacingOccurrences(of: "\"steps\" : 30", with: "\"steps\" : 15").utf8).write(to: file)
    let message = thrownMessage { _ = try Trainer.resume(directory) }
    #expect(message.contains("its checkpoint is at step 20 but config.json says the run has 15 steps"), "\(message)")
    #expect(message.contains("--steps M with M > 20"), "\(message)")
    // Extending it as the message says works.
    let resumed = try Trainer.resume(directory, steps: 25)
    #expect(resumed.step == 20)
  }

  /// Two runs of one seed write byte-identical checkpoints (the image loader's state was JSON with keys
  /// in an order that changed from process to process) and identical metrics but for the elapsed time.
  /// Two processes, as a dictionary's order is fixed within one.
  @Test(.enabled(if: fashionAvailable, "Fashion-MNIST is not installed (apt-get install dataset-fashion-mnist)"))
  func twoRunsOfOneSeedWriteTheSameBytes() throws {
    var config = smallConfig(dataset: .fashionMNIST)
    config.checkpointEvery = 2
    let base = temporaryDirectory("same-bytes")
    let file = base.appendingPathComponent("config.json")
    try JSONEncoder().encode(config).write(to: file)
    let runs = try (0..<2).map { i -> RunDirectory in
      let directory = base.appendingPathComponent("run\(i)")
      let (status, output) = try runGraft(["train", "--config", file.path, "--out", directory.path])
      #expect(status == 0, "\(output)")
      return RunDirectory(directory)
    }
    let checkpoints = runs[0].stepCheckpoints().map(\.lastPathComponent) + ["latest.safetensors"]
    #expect(checkpoints.count > 1)
    for name in checkpoints {
      let a = try Data(contentsOf: runs[0].latestCheckpoint.deletingLastPathComponent().appendingPathComponent(name))
      let b = try Data(contentsOf: runs[1].latestCheckpoint.deletingLastPathComponent().appendingPathComponent(name))
      #expect(a == b, "\(name) differs between two runs of seed \(config.seed)")
    }
    func withoutTime(_ run: RunDirectory) throws -> [String] {
      try String(contentsOf: run.metrics, encoding: .utf8).split(separator: "\n").map {
        String($0).replacing(/"time":[0-9.e+-]+,?/, with: "")
      }
    }
    #expect(try withoutTime(runs[0]) == withoutTime(runs[1]))
  }

  /// `graft sample RUN --latents .` once answered "NSCocoaErrorDomain error 256".
  @Test func latentsThatAreNotAFileAreRefusedInWords() throws {
    let directory = temporaryDirectory("latents-dir")
    let run = directory.appendingPathComponent("run")
    try Trainer(config: smallConfig(), directory: run).train(stopAt: 10, log: { _ in })
    let (status, output) = try runGraft(["sample", run.path, "--latents", directory.path])
    #expect(status != 0)
    #expect(output.contains("cannot read \(directory.path): it is a directory, not a file"), "\(output)")
    #expect(!output.contains("NSCocoaErrorDomain"), "\(output)")
    let missing = directory.appendingPathComponent("z.npy")
    let (_, missingOutput) = try runGraft(["sample", run.path, "--latents", missing.path])
    #expect(missingOutput.contains("cannot read \(missing.path): no such file"), "\(missingOutput)")
  }

  /// Found by `graft-fuzz`: a config file with bytes that are not UTF-8 answered "Error Domain=
  /// NSCocoaErrorDomain Code=3840 …", a damaged YAML one a message drawn over three lines, and a key with
  /// a newline a message over two.
  @Test func configFilesThatDoNotParseAreRefusedInOneLine() throws {
    let directory = temporaryDirectory("bad-config-files")
    var notUTF8 = Data(#"{"dataset": "ring"#.utf8)
    notUTF8.append(contentsOf: [0xff, 0xfe])
    notUTF8.append(contentsOf: Data(#"8"}"#.utf8))
    let cases: [(String, Data)] = [
      ("a.json", notUTF8),
      ("b.yaml", Data("steps: [1, 2\nlr: 3\n".utf8)),
      ("c.json", Data("{\"ste\\nps\": 3}".utf8)),
    ]
    for (name, data) in cases {
      let file = directory.appendingPathComponent(name)
      try data.write(to: file)
      let message = thrownMessage { _ = try TrainingConfig.load(file: file.path) }
      #expect(message.contains(file.path), "\(message)")
      #expect(!message.contains("\n") && !message.contains("Error Domain"), "\(message)")
    }
  }
}
