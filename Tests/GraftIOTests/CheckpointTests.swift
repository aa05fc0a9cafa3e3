import Foundation
import GraftEngine
import GraftIO
import GraftTestSupport
import Testing

@Suite("Checkpoint: named float32 tensors and typed metadata")
struct CheckpointTests {
  @Test func roundTripsTensorsInOrderWithMetadata() throws {
    var checkpoint = Checkpoint(metadata: ["model": "dcgan"])
    checkpoint["generator.fc.weight"] = arbitraryFloats([8, 4], seed: 1)
    checkpoint["generator.fc.bias"] = arbitraryFloats([8], seed: 2)
    checkpoint["adam.step_scale"] = Tensor(0.5)
    checkpoint["buffers.empty"] = Tensor(shape: [0], scalars: [])
    checkpoint.setInt(-17, forKey: "epoch")
    checkpoint.setInt(Int.max, forKey: "step")
    checkpoint.setWords([0, 1, UInt64.max, 1 << 63], forKey: "words")
    checkpoint.setWords([], forKey: "no words")
    try withTemporaryDirectory { dir in
      let url = dir.appendingPathComponent("ckpt.safetensors")
      try checkpoint.save(to: url)
      let back = try Checkpoint.load(from: url)
      #expect(back.names == checkpoint.names)
      for (name, tensor) in checkpoint.tensors {
        let loaded = try back.tensor(name, shape: tensor.shape)
        #expect(bytes(loaded) == bytes(tensor), "\(name)")
      }
      #expect(back.metadata == checkpoint.metadata)
      #expect(back.metadata["model"] == "dcgan")
      #expect(try back.int(forKey: "epoch") == -17)
      #expect(try back.int(forKey: "step") == Int.max)
      #expect(try back.words(forKey: "words") == [0, 1, UInt64.max, 1 << 63])
      #expect(try back.words(forKey: "no words") == [])
      #expect(back.source == url.path)
    }
  }

  @Test func restoredGeneratorContinuesTheSameStream() throws {
    var rng = RandomGenerator(seed: 2024)
    for _ in 0..<5 { _ = rng.next() }
    var checkpoint = Checkpoint()
    checkpoint.setGenerator(rng, forKey: "rng")
    try withTemporaryDirectory { dir in
      let url = dir.appendingPathComponent("rng.safetensors")
      try checkpoint.save(to: url)
      var restored = try Checkpoint.load(from: url).generator(forKey: "rng")
      #expect(restored == rng)
      let expected = (0..<4).map { _ in rng.next() }
      #expect((0..<4).map { _ in restored.next() } == expected)
    }
  }

  @Test func missingTensorListsTheFirstNamesAndTheCount() throws {
    var checkpoint = Checkpoint()
    for i in 0..<20 { checkpoint["layer\(i).weight"] = Tensor([Float(i)]) }
    try withTemporaryDirectory { dir in
      let url = dir.appendingPathComponent("checkpoint.safetensors")
      try checkpoint.save(to: url)
      let loaded = try Checkpoint.load(from: url)
      let message = errorMessage { _ = try loaded.tensor("generator.fc.weight", shape: [4, 3]) }
      #expect(message.hasPrefix("\(url.path) has no tensor 'generator.fc.weight'; it has: 'layer0.weight', "))
      #expect(message.contains("'layer7.weight', … (20 in all)"))
      #expect(!message.contains("layer8.weight"))
    }
  }

  @Test func wrongShapeNamesTheTensorAndBothShapes() throws {
    let checkpoint = Checkpoint(tensors: [("x", Tensor(shape: [3, 4], scalars: Array(repeating: 0, count: 12)))])
    let message = errorMessage { _ = try checkpoint.tensor("x", shape: [4, 3]) }
    #expect(
      message == "the checkpoint: tensor 'x' has shape [3, 4] in the file but the model expects [4, 3]; "
        + "was it saved from a model with different sizes?")
  }

  @Test func duplicateNamesAreRefused() throws {
    let checkpoint = Checkpoint(tensors: [("w", Tensor([1])), ("b", Tensor([2])), ("w", Tensor([3]))])
    try withTemporaryDirectory { dir in
      let message = errorMessage { try checkpoint.save(to: dir.appendingPathComponent("dup.safetensors")) }
      #expect(message.contains("the tensor name 'w' appears more than once"))
      let listing = try directoryListing(dir)
      #expect(listing.isEmpty)
    }
  }

  @Test func float64TensorsAreReportedNotConverted() throws {
    try withTemporaryDirectory { dir in
      let url = dir.appendingPathComponent("f64.safetensors")
      var file = SafeTensorsFile()
      file["w"] = .double(Tensor([1.0]))
      try file.write(to: url)
      #expect(throws: GraftIOError.self) { try Checkpoint.load(from: url) }
      #expect(errorMessage { _ = try Checkpoint.load(from: url) }.contains("tensor 'w' is stored as F64"))
    }
  }

  @Test func badOrMissingMetadataIsReported() throws {
    var checkpoint = Checkpoint(metadata: ["step": "12a", "rng": "1,2,3", "words": "1,,2", "zero": "0,0,0,0"])
    #expect(
      errorMessage { _ = try checkpoint.int(forKey: "step") }.contains(
        "'step' is \"12a\", which is not a decimal integer"))
    #expect(errorMessage { _ = try checkpoint.words(forKey: "words") }.contains("'words' is \"1,,2\""))
    #expect(errorMessage { _ = try checkpoint.generator(forKey: "rng") }.contains("4 comma-separated"))
    #expect(errorMessage { _ = try checkpoint.generator(forKey: "zero") }.contains("not all zero"))
    checkpoint.metadata = ["b": "1", "a": "2"]
    #expect(
      errorMessage { _ = try checkpoint.int(forKey: "epoch") }.contains("no metadata entry 'epoch'; it has: 'a', 'b'"))
  }

  @Test func subscriptReplacesInPlaceAndRemoves() {
    var checkpoint = Checkpoint()
    checkpoint["a"] = Tensor([1])
    checkpoint["b"] = Tensor([2])
    checkpoint["a"] = Tensor([3, 4])
    #expect(checkpoint.names == ["a", "b"])
    #expect(checkpoint["a"]?.scalars == [3, 4])
    checkpoint["a"] = nil
    #expect(checkpoint.names == ["b"])
  }
}
