import Foundation
import GraftEngine
import GraftIO
import GraftTestSupport
import Testing

@Suite("safetensors: round trips and the file layout")
struct SafeTensorsTests {
  /// Scalars, empty dimensions (anywhere), vectors, matrices and higher ranks.
  static let shapes: [[Int]] = [[], [0], [1], [7], [3, 4], [2, 0, 5], [0, 3], [2, 3, 4, 5]]

  @Test(arguments: shapes)
  func floatTensorsRoundTripBitExactly(_ shape: [Int]) throws {
    let tensor = arbitraryFloats(shape, seed: 1)
    try withTemporaryDirectory { dir in
      let url = dir.appendingPathComponent("t.safetensors")
      var file = SafeTensorsFile()
      file["x"] = .float(tensor)
      try file.write(to: url)
      let back = try SafeTensorsFile.read(from: url).floatTensor("x", shape: shape)
      #expect(back.shape == shape)
      #expect(bytes(back) == bytes(tensor))
    }
  }

  @Test(arguments: shapes)
  func doubleTensorsRoundTripBitExactly(_ shape: [Int]) throws {
    let tensor = arbitraryDoubles(shape, seed: 2)
    try withTemporaryDirectory { dir in
      let url = dir.appendingPathComponent("t.safetensors")
      var file = SafeTensorsFile()
      file["x"] = .double(tensor)
      try file.write(to: url)
      let back = try SafeTensorsFile.read(from: url).doubleTensor("x", shape: shape)
      #expect(back.shape == shape)
      #expect(bytes(back) == bytes(tensor))
    }
  }

  @Test func mixedFileKeepsNamesMetadataAndOrder() throws {
    var file = SafeTensorsFile(metadata: [
      "format": "pt", "note": "quotes \" and \\ and\nnewline, tab\t, control \u{01}", "ünïcode": "😀 ✓",
    ])
    file["layer.0.weight"] = .float(arbitraryFloats([3, 5], seed: 3))  // odd count: the F64s must still align
    file["layer.0.bias"] = .float(arbitraryFloats([3], seed: 4))
    file["stats.\"quoted\"/ünï"] = .double(arbitraryDoubles([2, 2], seed: 5))
    file["empty"] = .float(Tensor(shape: [0, 4], scalars: []))
    file["scale"] = .double(Tensor(0.25))
    try withTemporaryDirectory { dir in
      let url = dir.appendingPathComponent("mixed.safetensors")
      try file.write(to: url)
      let back = try SafeTensorsFile.read(from: url)
      // F64 tensors first (alignment), then F32; each dtype in the order added.
      #expect(back.names == ["stats.\"quoted\"/ünï", "scale", "layer.0.weight", "layer.0.bias", "empty"])
      #expect(back.metadata == file.metadata)
      #expect(back.source == url.path)
      let header = try SafeTensorsHeader.read(from: url)
      #expect(header.entries.map(\.name) == back.names)
      #expect(header.entries.map(\.shape) == back.entries.map(\.tensor.shape))
      #expect(header.entries.map(\.dtype) == ["F64", "F64", "F32", "F32", "F32"])
      // The header also shows the checksums, which reading the file checks and leaves out.
      let checksums = [SafeTensorsFile.checksumKey, SafeTensorsFile.headerChecksumKey]
      #expect(header.metadata.filter { !checksums.contains($0.key) } == file.metadata)
      #expect(header.metadata[SafeTensorsFile.checksumKey]?.count == 64)
      for entry in file.entries {
        switch (entry.tensor, back[entry.name]) {
        case (.float(let a), .float(let b)?): #expect(a.shape == b.shape && bytes(a) == bytes(b), "\(entry.name)")
        case (.double(let a), .double(let b)?): #expect(a.shape == b.shape && bytes(a) == bytes(b), "\(entry.name)")
        default: Issue.record("tensor \(entry.name) came back as \(String(describing: back[entry.name]))")
        }
      }
    }
  }

  @Test func emptyTensorsSharingAnOffsetKeepTheirOrder() throws {
    var file = SafeTensorsFile()
    file["z"] = .float(Tensor(shape: [0], scalars: []))
    file["a"] = .float(Tensor([1, 2]))
    file["m"] = .float(Tensor(shape: [3, 0], scalars: []))
    file["b"] = .float(Tensor(shape: [0], scalars: []))
    try withTemporaryDirectory { dir in
      let url = dir.appendingPathComponent("e.safetensors")
      try file.write(to: url)
      #expect(try SafeTensorsFile.read(from: url).names == ["z", "a", "m", "b"])
    }
  }

  @Test func headerLayoutFollowsTheSpecification() throws {
    var file = SafeTensorsFile(metadata: ["step": "7"])
    file["a"] = .float(arbitraryFloats([3], seed: 6))
    file["b"] = .double(arbitraryDoubles([2, 2], seed: 7))
    file["c"] = .float(arbitraryFloats([0], seed: 8))
    file["d"] = .float(arbitraryFloats([5], seed: 9))
    try withTemporaryDirectory { dir in
      let url = dir.appendingPathComponent("layout.safetensors")
      try file.write(to: url)
      let raw = try Data(contentsOf: url)
      let n = raw.prefix(8).enumerated().reduce(0) { $0 | Int($1.element) << (8 * $1.offset) }
      #expect(n % 8 == 0, "header length \(n) is not a multiple of 8")
      #expect(raw.count == 8 + n + 3 * 4 + 4 * 8 + 5 * 4)
      let headerBytes = raw[8..<(8 + n)]
      let text = try #require(String(data: headerBytes, encoding: .utf8))
      #expect(text.first == "{")
      #expect(text.trimmingCharacters(in: .whitespaces).last == "}")
      #expect(text.drop { $0 != " " }.allSatisfy { $0 == " " }, "padding must be trailing spaces only")
      // The header must also be plain JSON to an independent parser.
      let json = try #require(try JSONSerialization.jsonObject(with: headerBytes) as? [String: Any])
      let metadata = try #require(json["__metadata__"] as? [String: String])
      #expect(metadata.keys.sorted() == [SafeTensorsFile.checksumKey, SafeTensorsFile.headerChecksumKey, "step"])
      #expect(metadata["step"] == "7")
      var spans: [(name: String, begin: Int, end: Int, dtype: String)] = []
      for (name, value) in json where name != "__metadata__" {
        let info = try #require(value as? [String: Any])
        let offsets = try #require(info["data_offsets"] as? [Int])
        spans.append((name, offsets[0], offsets[1], try #require(info["dtype"] as? String)))
      }
      spans.sort { ($0.begin, $0.end) < ($1.begin, $1.end) }
      #expect(spans.map(\.name) == ["b", "a", "c", "d"])
      #expect(spans.first?.begin == 0)
      for (previous, next) in zip(spans, spans.dropFirst()) {
        #expect(
          previous.end == next.begin, "\(previous.name) ends at \(previous.end), \(next.name) begins at \(next.begin)")
      }
      #expect(spans.last?.end == raw.count - 8 - n)
      for span in spans where span.dtype == "F64" {
        #expect((8 + n + span.begin) % 8 == 0, "F64 tensor \(span.name) is not 8-byte aligned in the file")
      }
    }
  }

  /// The data section Graft writes for the tensors of the reference-written fixture is byte for byte
  /// the reference writer's (same order, same encoding).
  @Test func rewritingAReferenceFileReproducesItsDataSection() throws {
    let source = try fixture("numpy_written.safetensors")
    let original = try SafeTensorsFile.read(from: source)
    var rewritten = SafeTensorsFile(metadata: original.metadata)
    for name in original.names.sorted() { rewritten[name] = original[name] }  // the reference's order
    try withTemporaryDirectory { dir in
      let url = dir.appendingPathComponent("rewritten.safetensors")
      try rewritten.write(to: url)
      func dataSection(_ raw: Data) -> Data {
        let n = raw.prefix(8).enumerated().reduce(0) { $0 | Int($1.element) << (8 * $1.offset) }
        return raw.dropFirst(8 + n)
      }
      let expected = dataSection(try Data(contentsOf: source))
      #expect(!expected.isEmpty)
      #expect(dataSection(try Data(contentsOf: url)) == expected)
    }
  }

  @Test func subscriptAppendsReplacesAndRemoves() {
    var file = SafeTensorsFile()
    file["a"] = .float(Tensor([1]))
    file["b"] = .float(Tensor([2]))
    file["c"] = .float(Tensor([3]))
    file["a"] = .double(Tensor([4.0, 5.0]))
    #expect(file.names == ["a", "b", "c"])
    #expect(file["a"]?.dtype == "F64")
    #expect(file["a"]?.shape == [2])
    file["b"] = nil
    #expect(file.names == ["a", "c"])
    #expect(file["c"]?.shape == [1])
    #expect(file["b"] == nil)
  }
}
