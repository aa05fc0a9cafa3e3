import Foundation
import GraftEngine
import GraftIO
import GraftTestSupport
import Testing

@Suite("Checksums: SHA-256, and safetensors data checked against it")
struct ChecksumTests {
  /// Digests from Python: `hashlib.sha256(data).hexdigest()`, at the padding's edge cases (55 bytes
  /// pad into one block, 56 need a second) and over many blocks.
  static let hashlibDigests: [(data: [UInt8], digest: String)] = [
    ([], "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"),
    (Array("abc".utf8), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"),
    (Array(repeating: 0x61, count: 55), "9f4390f8d30c2dd92ec9f095b65e2b9ae9b0a925a5258e241c9f1e910f734318"),
    (Array(repeating: 0x61, count: 56), "b35439a4ac6f0948b6d6f9e3c6af0f5f590ce20f1bde7090ef7970686ec6738a"),
    (Array(repeating: 0x61, count: 64), "ffe054fe7ae0cb6dc65c3af9b61d5209f439851db43d0ba5997337df154668eb"),
    (Array(repeating: 0x61, count: 119), "31eba51c313a5c08226adf18d4a359cfdfd8d2e816b13f4af952f7ea6584dcfb"),
    (
      Array((0..<40).map { _ in (0...255).map(UInt8.init) }.joined()),
      "e96760a87768717bcebcfd25ddc7d46b4dbc95a4b0014def080c08539f7d90d0"
    ),
  ]

  @Test func sha256MatchesHashlib() {
    for (data, digest) in Self.hashlibDigests {
      let hash = SHA256()
      hash.update(data)
      #expect(hash.hexDigest() == digest, "\(data.count) bytes")
    }
  }

  @Test func sha256FedInPiecesMatchesOneUpdate() {
    let (data, digest) = Self.hashlibDigests.last!
    for piece in [1, 3, 63, 64, 65, 1000] {
      let hash = SHA256()
      for start in stride(from: 0, to: data.count, by: piece) {
        hash.update(Array(data[start..<min(start + piece, data.count)]))
      }
      #expect(hash.hexDigest() == digest, "pieces of \(piece)")
    }
  }

  @Test func writtenFilesCarryTheDataChecksumAsAString() throws {
    var file = SafeTensorsFile(metadata: ["step": "7"])
    file["w"] = .float(Tensor([1, 2, 3]))
    file["d"] = .double(Tensor([0.5]))
    try withTemporaryDirectory { dir in
      let url = dir.appendingPathComponent("c.safetensors")
      try file.write(to: url)
      let header = try SafeTensorsHeader.read(from: url)
      let raw = try Data(contentsOf: url)
      let dataStart = 8 + Int(raw.prefix(8).withUnsafeBytes { $0.loadUnaligned(as: UInt64.self) })
      let hash = SHA256()
      hash.update(Array(raw[dataStart...]))
      #expect(header.metadata[SafeTensorsFile.checksumKey] == hash.hexDigest())
      // Reading checks it and leaves it out: the metadata read is the metadata written.
      #expect(try SafeTensorsFile.read(from: url).metadata == ["step": "7"])
    }
  }

  @Test func aFlippedBitInTheDataIsRefusedNamingTheFile() throws {
    var checkpoint = Checkpoint(metadata: ["format": "pt"])
    checkpoint["weight"] = Tensor(shape: [4, 4], scalars: (0..<16).map { Float($0) / 8 })
    try withTemporaryDirectory { dir in
      let url = dir.appendingPathComponent("latest.safetensors")
      try checkpoint.save(to: url)
      var raw = try Data(contentsOf: url)
      raw[raw.count - 1] ^= 0x40  // an exponent bit of the last float: 1.875 becomes about 6e38
      try raw.write(to: url)
      let message = errorMessage { _ = try Checkpoint.load(from: url) }
      #expect(message.hasPrefix("\(url.path) is corrupt: its data has SHA-256"), "\(message)")
      #expect(message.contains("use another copy"))
    }
  }

  @Test func filesWithoutAChecksumStillLoad() throws {
    // The reference writer's fixture has none; a file written by hand stands for an older checkpoint.
    #expect(try SafeTensorsFile.read(from: try fixture("numpy_written.safetensors")).names.count == 4)
    try withTemporaryDirectory { dir in
      let url = dir.appendingPathComponent("old.safetensors")
      let header = #"{"__metadata__":{"format":"pt"},"weight":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}"#
      var raw = Data()
      withUnsafeBytes(of: UInt64(header.utf8.count).littleEndian) { raw.append(contentsOf: $0) }
      raw.append(contentsOf: Array(header.utf8))
      [Float(1), 2].withUnsafeBytes { raw.append(contentsOf: $0) }
      try raw.write(to: url)
      let back = try Checkpoint.load(from: url)
      #expect(back["weight"]?.scalars == [1, 2])
      #expect(back.metadata[SafeTensorsFile.checksumKey] == nil)
    }
  }

  /// A checkpoint's step edited in place (same length, so the file still parses and the data digest still
  /// holds) is refused: the header digest covers the metadata.
  @Test func anEditedStepInTheMetadataIsRefusedNamingTheFile() throws {
    var checkpoint = Checkpoint(metadata: ["format": "pt"])
    checkpoint.setInt(100, forKey: "graft.step")
    checkpoint["weight"] = Tensor(shape: [2, 2], scalars: [1, 2, 3, 4])
    try withTemporaryDirectory { dir in
      let url = dir.appendingPathComponent("latest.safetensors")
      try checkpoint.save(to: url)
      #expect(try Checkpoint.load(from: url).verification == .whole)
      var raw = try Data(contentsOf: url)
      let range = try #require(raw.range(of: Data(#""graft.step":"100""#.utf8)))
      raw.replaceSubrange(range, with: Data(#""graft.step":"190""#.utf8))
      try raw.write(to: url)
      let message = errorMessage { _ = try Checkpoint.load(from: url) }
      #expect(message.hasPrefix("\(url.path) is corrupt: its header (metadata such as the step"), "\(message)")
      #expect(message.contains(SafeTensorsFile.headerChecksumKey))
    }
  }

  /// A tensor's shape changed in the header (same element count, so the offsets still agree) is refused too.
  @Test func anEditedShapeIsRefused() throws {
    var checkpoint = Checkpoint()
    checkpoint["weight"] = Tensor(shape: [2, 3], scalars: [1, 2, 3, 4, 5, 6])
    try withTemporaryDirectory { dir in
      let url = dir.appendingPathComponent("c.safetensors")
      try checkpoint.save(to: url)
      var raw = try Data(contentsOf: url)
      let range = try #require(raw.range(of: Data(#""shape":[2,3]"#.utf8)))
      raw.replaceSubrange(range, with: Data(#""shape":[3,2]"#.utf8))
      try raw.write(to: url)
      #expect(errorMessage { _ = try Checkpoint.load(from: url) }.contains("its header"))
    }
  }

  /// A file Graft wrote before the header digest (the data digest only) still loads, and says that its
  /// metadata went unchecked.
  @Test func filesWithTheDataChecksumOnlyLoadUncheckedMetadata() throws {
    var file = SafeTensorsFile(metadata: ["graft.step": "5"])
    file["w"] = .float(Tensor([1, 2]))
    try withTemporaryDirectory { dir in
      let url = dir.appendingPathComponent("older.safetensors")
      try file.write(to: url)
      // Take the header digest out, as an older Graft wrote it (the header is rewritten, the data kept).
      let header = try SafeTensorsHeader.read(from: url)
      var older = header.metadata
      older[SafeTensorsFile.headerChecksumKey] = nil
      let pairs = older.sorted { $0.key < $1.key }.map { "\"\($0.key)\":\"\($0.value)\"" }.joined(separator: ",")
      let json = #"{"__metadata__":{"# + pairs + #"},"w":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}"#
      var raw = Data()
      withUnsafeBytes(of: UInt64(json.utf8.count).littleEndian) { raw.append(contentsOf: $0) }
      raw.append(contentsOf: Array(json.utf8))
      [Float(1), 2].withUnsafeBytes { raw.append(contentsOf: $0) }
      try raw.write(to: url)
      let back = try Checkpoint.load(from: url)
      #expect(back.verification == .data)
      #expect(back.metadata == ["graft.step": "5"])
    }
  }
}
