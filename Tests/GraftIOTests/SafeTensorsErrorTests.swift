import Foundation
import GraftEngine
import GraftIO
import GraftTestSupport
import Testing

/// A malformed file and a phrase its error message must contain.
struct MalformedCase: CustomTestStringConvertible, Sendable {
  let name: String
  let header: String
  let dataCount: Int
  var headerLength: UInt64? = nil
  let phrase: String
  var testDescription: String { name }
}

@Suite("safetensors: every bad file is a clear GraftIOError")
struct SafeTensorsErrorTests {
  /// A file with tensors "a" (F32 [3, 4], data bytes 0..<48) and "b" (F32 [12], bytes 48..<96).
  func writeTwoTensorFile(in dir: URL) throws -> URL {
    let url = dir.appendingPathComponent("checkpoint.safetensors")
    var file = SafeTensorsFile(metadata: ["step": "3"])
    file["a"] = .float(arbitraryFloats([3, 4], seed: 1))
    file["b"] = .float(arbitraryFloats([12], seed: 2))
    try file.write(to: url)
    return url
  }

  @Test func missingTensorNamesTheFileTheTensorAndWhatThereIs() throws {
    try withTemporaryDirectory { dir in
      let url = try writeTwoTensorFile(in: dir)
      let file = try SafeTensorsFile.read(from: url)
      let message = errorMessage { _ = try file.floatTensor("generator.fc.weight") }
      #expect(message.contains(url.path))
      #expect(message.contains("has no tensor 'generator.fc.weight'"))
      #expect(message.contains("it has: 'a', 'b'"))
    }
  }

  @Test func wrongShapeSaysBothShapes() throws {
    try withTemporaryDirectory { dir in
      let url = try writeTwoTensorFile(in: dir)
      let file = try SafeTensorsFile.read(from: url)
      #expect(throws: GraftIOError.shapeMismatch(file: url.path, tensor: "a", found: [3, 4], expected: [4, 3])) {
        try file.floatTensor("a", shape: [4, 3])
      }
      let message = errorMessage { _ = try file.floatTensor("a", shape: [4, 3]) }
      #expect(message.contains("tensor 'a' has shape [3, 4] in the file but the model expects [4, 3]"))
    }
  }

  @Test func wrongDTypeSaysBothDTypes() throws {
    var file = SafeTensorsFile()
    file["d"] = .double(Tensor([1.0]))
    file["f"] = .float(Tensor([1]))
    #expect(errorMessage { _ = try file.floatTensor("d") }.contains("tensor 'd' is stored as F64 but F32"))
    #expect(errorMessage { _ = try file.doubleTensor("f") }.contains("tensor 'f' is stored as F32 but F64"))
  }

  @Test func truncatedBodyNamesTheTensorAndTheBytes() throws {
    try withTemporaryDirectory { dir in
      let url = try writeTwoTensorFile(in: dir)
      let whole = try Data(contentsOf: url)
      try whole.dropLast(10).write(to: url)
      #expect(throws: GraftIOError.truncated(file: url.path, tensor: "b", needed: 48..<96, available: 86)) {
        try SafeTensorsFile.read(from: url)
      }
      let message = errorMessage { _ = try SafeTensorsFile.read(from: url) }
      #expect(
        message.contains("truncated: tensor 'b' needs bytes 48..<96 of the data section but the file has only 86"))

      // Cut inside the first tensor: that one is named.
      try whole.prefix(whole.count - 96 + 20).write(to: url)
      #expect(errorMessage { _ = try SafeTensorsFile.read(from: url) }.contains("tensor 'a' needs bytes 0..<48"))
    }
  }

  @Test func fileCutInsideItsHeaderReportsTheHeaderLength() throws {
    try withTemporaryDirectory { dir in
      let url = try writeTwoTensorFile(in: dir)
      try Data(contentsOf: url).prefix(40).write(to: url)
      let message = errorMessage { _ = try SafeTensorsFile.read(from: url) }
      #expect(message.contains("header length"))
      #expect(message.contains("larger than the 32 bytes"))
      #expect(errorMessage { _ = try SafeTensorsHeader.read(from: url) } == message)
    }
  }

  @Test(arguments: [0, 3, 7])
  func fileShorterThanEightBytes(_ count: Int) throws {
    try withTemporaryDirectory { dir in
      let url = dir.appendingPathComponent("short.safetensors")
      try Data(repeating: 1, count: count).write(to: url)
      let message = errorMessage { _ = try SafeTensorsFile.read(from: url) }
      #expect(message.contains("\(count) bytes long, too short"))
      #expect(message.contains(url.path))
      #expect(errorMessage { _ = try SafeTensorsHeader.read(from: url) } == message)
    }
  }

  static let malformedCases: [MalformedCase] = [
    MalformedCase(
      name: "header length beyond the file", header: #"{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}"#,
      dataCount: 4, headerLength: 4000, phrase: "header length in the first 8 bytes is 4000, larger than the"),
    MalformedCase(
      name: "unterminated JSON", header: #"{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}"#, dataCount: 4,
      phrase: "the header is not valid JSON"),
    MalformedCase(
      name: "JSON garbage", header: #"{"a": nope}"#, dataCount: 0, phrase: "the header is not valid JSON"),
    MalformedCase(name: "not an object", header: "[1, 2]", dataCount: 0, phrase: "not a JSON object"),
    MalformedCase(
      name: "duplicate names",
      header:
        #"{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"a":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}"#,
      dataCount: 8, phrase: "duplicate key \"a\""),
    MalformedCase(
      name: "int64 tensor", header: #"{"ids":{"dtype":"I64","shape":[2],"data_offsets":[0,16]}}"#, dataCount: 16,
      phrase: "tensor 'ids' has dtype I64, which Graft cannot read"),
    MalformedCase(
      name: "bfloat16 tensor", header: #"{"w":{"dtype":"BF16","shape":[2],"data_offsets":[0,4]}}"#, dataCount: 4,
      phrase: "tensor 'w' has dtype BF16"),
    MalformedCase(
      name: "overlapping tensors",
      header:
        #"{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"F32","shape":[2],"data_offsets":[4,12]}}"#,
      dataCount: 12, phrase: "tensor 'b' (bytes 4..<12 of the data section) overlaps tensor 'a'"),
    MalformedCase(
      name: "gap between tensors",
      header:
        #"{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"F32","shape":[2],"data_offsets":[12,20]}}"#,
      dataCount: 20, phrase: "4 unused bytes before tensor 'b'"),
    MalformedCase(
      name: "offsets backwards", header: #"{"a":{"dtype":"F32","shape":[0],"data_offsets":[8,0]}}"#, dataCount: 8,
      phrase: "tensor 'a': \"data_offsets\" [8, 0] ends before it begins"),
    MalformedCase(
      name: "offsets beyond the end", header: #"{"a":{"dtype":"F32","shape":[4],"data_offsets":[0,16]}}"#,
      dataCount: 6, phrase: "truncated: tensor 'a' needs bytes 0..<16 of the data section but the file has only 6"),
    MalformedCase(
      name: "byte count disagrees with the shape",
      header: #"{"a":{"dtype":"F32","shape":[3],"data_offsets":[0,8]}}"#, dataCount: 8,
      phrase: "tensor 'a': shape [3] of F32 needs 12 bytes but \"data_offsets\" [0, 8] span 8"),
    MalformedCase(
      name: "bytes after the last tensor", header: #"{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}"#,
      dataCount: 12, phrase: "4 bytes after the last tensor"),
    MalformedCase(
      name: "negative dimension", header: #"{"a":{"dtype":"F32","shape":[-1],"data_offsets":[0,4]}}"#, dataCount: 4,
      phrase: "tensor 'a': \"shape\" holds the number -1, not a non-negative integer"),
    MalformedCase(
      name: "missing dtype", header: #"{"a":{"shape":[1],"data_offsets":[0,4]}}"#, dataCount: 4,
      phrase: "tensor 'a': no \"dtype\""),
    MalformedCase(
      name: "metadata that is not a string", header: #"{"__metadata__":{"step":42}}"#, dataCount: 0,
      phrase: "metadata entry 'step' is the number 42, but metadata values must be strings"),
  ]

  @Test(arguments: malformedCases)
  func malformedFilesAreRejectedWithTheProblem(_ c: MalformedCase) throws {
    try withTemporaryDirectory { dir in
      let url = dir.appendingPathComponent("bad.safetensors")
      try rawSafeTensors(header: c.header, data: Array(repeating: 0, count: c.dataCount), headerLength: c.headerLength)
        .write(to: url)
      let message = errorMessage { _ = try SafeTensorsFile.read(from: url) }
      #expect(message.contains(c.phrase), "message was: \(message)")
      #expect(message.contains(url.path))
      // Reading only the header checks the same things.
      #expect(errorMessage { _ = try SafeTensorsHeader.read(from: url) } == message)
    }
  }

  @Test func corruptedByteInAWrittenHeaderIsReported() throws {
    try withTemporaryDirectory { dir in
      let url = try writeTwoTensorFile(in: dir)
      var raw = try Data(contentsOf: url)
      let colon = try #require(raw.dropFirst(8).firstIndex(of: UInt8(ascii: ":")))
      raw[colon] = UInt8(ascii: ";")
      try raw.write(to: url)
      #expect(errorMessage { _ = try SafeTensorsFile.read(from: url) }.contains("the header is not valid JSON"))
    }
  }

  @Test func invalidUTF8HeaderIsReported() throws {
    try withTemporaryDirectory { dir in
      let url = dir.appendingPathComponent("bad.safetensors")
      var raw = rawSafeTensors(header: "{}      ", data: [])
      raw[9] = 0xFF
      try raw.write(to: url)
      #expect(errorMessage { _ = try SafeTensorsFile.read(from: url) }.contains("not valid UTF-8"))
    }
  }

  @Test func missingFileIsUnreadable() throws {
    try withTemporaryDirectory { dir in
      let url = dir.appendingPathComponent("nowhere.safetensors")
      #expect(throws: GraftIOError.self) { try SafeTensorsFile.read(from: url) }
      let message = errorMessage { _ = try SafeTensorsFile.read(from: url) }
      #expect(message.hasPrefix("cannot read \(url.path)"))
    }
  }

  @Test func reservedTensorNameIsRefusedOnWrite() throws {
    try withTemporaryDirectory { dir in
      var file = SafeTensorsFile()
      file["__metadata__"] = .float(Tensor([1]))
      let url = dir.appendingPathComponent("x.safetensors")
      #expect(errorMessage { try file.write(to: url) }.contains("'__metadata__' names the metadata"))
      let listing = try directoryListing(dir)
      #expect(listing.isEmpty)
    }
  }

  @Test func writingIntoAMissingDirectoryIsUnwritable() throws {
    try withTemporaryDirectory { dir in
      let url = dir.appendingPathComponent("no/such/dir/x.safetensors")
      let message = errorMessage { try SafeTensorsFile().write(to: url) }
      #expect(message.hasPrefix("cannot write \(url.path): No such file or directory"))
    }
  }
}
