import Foundation
import GraftEngine
import GraftGAN
import GraftGANTestSupport
import GraftIO
import GraftOptimizers
import GraftRun
import GraftTestSupport
import Testing

/// Flips an exponent bit of float number `index` of the file's data section, as a disk error would.
func flipExponentBit(_ url: URL, float index: Int = 5) throws {
  var raw = try Data(contentsOf: url)
  let headerLength = Int(raw.prefix(8).withUnsafeBytes { UInt64(littleEndian: $0.loadUnaligned(as: UInt64.self)) })
  raw[8 + headerLength + 4 * index + 3] ^= 0x40
  try raw.write(to: url)
}

/// Rewrites the safetensors file at `url` without its checksum entry, as checkpoints were written before
/// there was one; `edit` may change the tensors first.
func removeChecksum(_ url: URL, edit: (inout SafeTensorsFile) -> Void = { _ in }) throws {
  var file = try SafeTensorsFile.read(from: url)
  edit(&file)
  try file.write(to: url)
  let raw = try Data(contentsOf: url)
  let headerLength = Int(raw.prefix(8).withUnsafeBytes { UInt64(littleEndian: $0.loadUnaligned(as: UInt64.self)) })
  var header = try #require(try JSONSerialization.jsonObject(with: raw[8..<(8 + headerLength)]) as? [String: Any])
  var metadata = try #require(header["__metadata__"] as? [String: String])
  metadata[SafeTensorsFile.checksumKey] = nil
  metadata[SafeTensorsFile.headerChecksumKey] = nil
  header["__metadata__"] = metadata
  var bytes = try JSONSerialization.data(withJSONObject: header, options: [.sortedKeys])
  bytes.append(contentsOf: repeatElement(UInt8(ascii: " "), count: (8 - bytes.count % 8) % 8))
  var rewritten = Data()
  withUnsafeBytes(of: UInt64(bytes.count).littleEndian) { rewritten.append(contentsOf: $0) }
  rewritten.append(bytes)
  rewritten.append(raw[(8 + headerLength)...])
  try rewritten.write(to: url)
}

/// The message of the error `body` throws ("" and an issue recorded when it throws none).
func thrownMessage(_ body: () throws -> Void, sourceLocation: SourceLocation = #_sourceLocation) -> String {
  do {
    try body()
    Issue.record("expected an error", sourceLocation: sourceLocation)
    return ""
  } catch {
    return "\(error)"
  }
}

@Suite("Checkpoint integrity: checksums, optimizer kinds, finite weights", .serialized)
struct CheckpointIntegrityTests {
  @Test func aCorruptLatestCheckpointIsRefusedOfferingTheNewestIntactStepOne() throws {
    let directory = temporaryDirectory("corrupt-latest")
    try Trainer(config: smallConfig(), directory: directory).train(stopAt: 20, log: { _ in })
    let run = RunDirectory(directory)
    try flipExponentBit(run.latestCheckpoint)
    var message = thrownMessage { _ = try Trainer.resume(directory) }
    #expect(message.hasPrefix("\(run.latestCheckpoint.path) is corrupt"), "\(message)")
    #expect(message.contains("cp \(run.checkpoint(step: 20).path) \(run.latestCheckpoint.path)"), "\(message)")
    // With step 20's copy damaged too, step 10's is offered.
    try flipExponentBit(run.checkpoint(step: 20), float: 7)
    message = thrownMessage { _ = try Trainer.resume(directory) }
    #expect(message.contains("cp \(run.checkpoint(step: 10).path) \(run.latestCheckpoint.path)"), "\(message)")
    // Following the advice works: the run goes on from step 10.
    try FileManager.default.removeItem(at: run.latestCheckpoint)
    try FileManager.default.copyItem(at: run.checkpoint(step: 10), to: run.latestCheckpoint)
    let resumed = try Trainer.resume(directory)
    #expect(resumed.step == 10)
    try resumed.train(log: { _ in })
    #expect(resumed.step == 30)
  }

  /// The step in a checkpoint's metadata edited (190 where the data is step 100's) once resumed silently at
  /// 190; the header's digest now refuses it, offering the newest intact step checkpoint.
  @Test func anEditedStepInTheLatestCheckpointIsRefused() throws {
    let directory = temporaryDirectory("edited-step")
    try Trainer(config: smallConfig(), directory: directory).train(stopAt: 20, log: { _ in })
    let run = RunDirectory(directory)
    var raw = try Data(contentsOf: run.latestCheckpoint)
    let range = try #require(raw.range(of: Data(#""graft.step":"20""#.utf8)))
    raw.replaceSubrange(range, with: Data(#""graft.step":"29""#.utf8))
    try raw.write(to: run.latestCheckpoint)
    let message = thrownMessage { _ = try Trainer.resume(directory) }
    #expect(message.hasPrefix("\(run.latestCheckpoint.path) is corrupt: its header"), "\(message)")
    #expect(message.contains("cp \(run.checkpoint(step: 20).path) \(run.latestCheckpoint.path)"), "\(message)")
  }

  @Test func aCheckpointWithoutAChecksumStillResumes() throws {
    let directory = temporaryDirectory("no-checksum")
    try Trainer(config: smallConfig(), directory: directory).train(stopAt: 10, log: { _ in })
    let latest = RunDirectory(directory).latestCheckpoint
    try removeChecksum(latest)
    #expect(try SafeTensorsHeader.read(from: latest).metadata[SafeTensorsFile.checksumKey] == nil)
    #expect(try Trainer.resume(directory).step == 10)
  }

  @Test func aNonFiniteWeightInACheckpointIsRefused() throws {
    let directory = temporaryDirectory("nan-weight")
    try Trainer(config: smallConfig(), directory: directory).train(stopAt: 10, log: { _ in })
    let latest = RunDirectory(directory).latestCheckpoint
    // An older checkpoint (no checksum to catch it) holding a NaN weight.
    try removeChecksum(latest) { file in
      let name = file.names.first { $0.hasPrefix("generator.") }!
      guard case .float(let weight) = file[name]! else { return }
      var scalars = weight.scalars
      scalars[0] = .nan
      file[name] = .float(Tensor(shape: weight.shape, scalars: scalars))
    }
    let message = thrownMessage { _ = try Trainer.resume(directory) }
    #expect(message.hasPrefix("\(latest.path) is corrupt: tensor 'generator."), "\(message)")
    #expect(message.contains("NaN or infinite"), "\(message)")
  }

  /// The kind check once ignored the hyperparameters and the grouping: an Adam checkpoint resumed under
  /// another learning rate or β, or another grouping, with config.json edited.
  @Test func aCheckpointOfOtherOptimizerSettingsOrGroupingIsRefused() throws {
    let directory = temporaryDirectory("optimizer-settings")
    try Trainer(config: smallConfig(), directory: directory).train(stopAt: 10, log: { _ in })
    let run = RunDirectory(directory)
    let original = try #require(try run.readSavedConfig())
    var edited = original
    edited.config.discriminatorSettings.learningRate = 0.01
    edited.config.discriminatorSettings.beta1 = 0.9
    try run.writeJSON(edited, to: run.config)
    var message = thrownMessage { _ = try Trainer.resume(directory) }
    #expect(message.contains("was saved with other discriminator optimizer settings than config.json's"), "\(message)")
    #expect(message.contains("learningRate 0.001 in the checkpoint, 0.01 in config.json"), "\(message)")
    #expect(message.contains("beta1 0.5 in the checkpoint, 0.9 in config.json"), "\(message)")
    edited = original
    edited.config.generatorGrouping = .global
    try run.writeJSON(edited, to: run.config)
    message = thrownMessage { _ = try Trainer.resume(directory) }
    #expect(message.contains("grouped by tensor, but config.json groups them by global"), "\(message)")
    try run.writeJSON(original, to: run.config)
    #expect(try Trainer.resume(directory).step == 10)
  }

  @Test func aCheckpointOfAnotherOptimizerIsRefused() throws {
    var config = smallConfig()
    config.setOptimizer(.sgda)
    let directory = temporaryDirectory("optimizer-kind")
    try Trainer(config: config, directory: directory).train(stopAt: 10, log: { _ in })
    // The run's config now says adam, as if config.json had been edited or the checkpoint copied over.
    let configFile = RunDirectory(directory).config
    let text = try String(contentsOf: configFile, encoding: .utf8)
    #expect(text.contains("\"sgda\""))
    try Data(text.replacingOccurrences(of: "\"sgda\"", with: "\"adam\"").utf8).write(to: configFile)
    let message = thrownMessage { _ = try Trainer.resume(directory) }
    #expect(message.contains("was saved with the generator optimizer sgd"), "\(message)")
    #expect(message.contains("config says adam"), "\(message)")
  }

  /// A weight blown up by an undetected disk error (an older checkpoint without a checksum) stops the run
  /// with a message, and no checkpoint with a non-finite value is ever written.
  @Test func weightsThatStopBeingFiniteStopTheRunBeforeACheckpoint() throws {
    var config = smallConfig()
    config.checkpointEvery = 1
    config.logEvery = 1
    let directory = temporaryDirectory("huge-weight")
    try Trainer(config: config, directory: directory).train(stopAt: 5, log: { _ in })
    let latest = RunDirectory(directory).latestCheckpoint
    try removeChecksum(latest) { file in
      for name in file.names where name.hasPrefix("generator.") || name.hasPrefix("discriminator.") {
        guard case .float(let weight) = file[name]! else { continue }
        file[name] = .float(Tensor(shape: weight.shape, scalars: weight.scalars.map { $0 * 3e37 }))
      }
    }
    let trainer = try Trainer.resume(directory)
    let message = thrownMessage { try trainer.train(log: { _ in }) }
    #expect(message.contains("training stopped at step"), "\(message)")
    // The file it resumed from is still the latest: loaded finite but unverifiable, it is not called good.
    #expect(message.contains("carries no checksum, so it cannot be called good"), "\(message)")
    #expect(!message.contains("last good checkpoint"), "\(message)")
    for url in RunDirectory(directory).stepCheckpoints() + [latest] {
      // Skip the damaged one this test wrote: the only one without a checksum.
      if try SafeTensorsHeader.read(from: url).metadata[SafeTensorsFile.checksumKey] == nil { continue }
      let checkpoint = try Checkpoint.load(from: url)
      #expect(checkpoint.tensors.allSatisfy { $0.tensor.scalars.allSatisfy(\.isFinite) }, "\(url.lastPathComponent)")
    }
  }
}
