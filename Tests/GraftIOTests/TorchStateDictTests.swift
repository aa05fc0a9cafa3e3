import Foundation
import GraftEngine
import GraftIO
import GraftTestSupport
import Testing

/// A fixture written by Scripts/make_pth_fixtures.py (under Fixtures/torch).
private func torchFixture(_ name: String) throws -> URL {
  try fixtureURL("torch/" + name, in: .module, writtenBy: "Scripts/make_pth_fixtures.py")
}

/// What torch itself holds for each tensor of the fixture state dict (expected.json).
private struct ExpectedTensor: Decodable {
  let dtype: String
  let shape: [Int]
  let data: [Double]
}

private func expectedTensors() throws -> [String: ExpectedTensor] {
  try JSONDecoder().decode([String: ExpectedTensor].self, from: Data(contentsOf: try torchFixture("expected.json")))
}

/// The names of expected.json in file order (JSONDecoder's dictionaries forget it).
private func expectedNames() throws -> [String] {
  // The script writes one key per line (indent 1), in the state dict's order.
  let text = try String(contentsOf: try torchFixture("expected.json"), encoding: .utf8)
  return text.split(separator: "\n").compactMap { line in
    guard line.hasPrefix(" \""), line.hasSuffix("{") else { return nil }
    return String(line.dropFirst(2).prefix { $0 != "\"" })
  }
}

@Suite("PyTorch state dicts: .pth (zip and legacy) and safetensors, through the restricted unpickler")
struct TorchStateDictTests {
  @Test(arguments: ["state_dict.pth", "state_dict_legacy.pth"])
  func readsEveryTensorAsTorchHoldsIt(_ file: String) throws {
    let dict = try TorchStateDict.read(from: try torchFixture(file))
    let expected = try expectedTensors()
    #expect(dict.names == (try expectedNames()))
    #expect(dict.names.count == 11)
    for entry in dict.entries {
      let want = try #require(expected[entry.name])
      #expect(entry.tensor.dtype.rawValue == want.dtype, "\(entry.name)")
      #expect(entry.tensor.shape == want.shape, "\(entry.name)")
      #expect(entry.tensor.doubles == want.data, "\(entry.name)")
    }
  }

  @Test func viewsOfOneStorageAreGatheredRowMajor() throws {
    let dict = try TorchStateDict.read(from: try torchFixture("state_dict.pth"))
    let base = try dict.floatTensor("shared.base", shape: [3, 4])
    let transposed = try dict.floatTensor("shared.transposed", shape: [4, 3])
    let row = try dict.floatTensor("shared.row1", shape: [4])
    for i in 0..<3 {
      for j in 0..<4 { #expect(transposed.scalars[j * 3 + i] == base.scalars[i * 4 + j]) }
    }
    #expect(row.scalars == Array(base.scalars[4..<8]))
    #expect(Set(base.scalars).count == 12, "the base should hold distinct values, or the views prove nothing")
  }

  @Test func batchCountIsAnInt64AndRefusedAsFloat() throws {
    let dict = try TorchStateDict.read(from: try torchFixture("state_dict.pth"))
    let count = try #require(dict["bn.num_batches_tracked"])
    #expect(count.dtype == .int64)
    #expect(count.shape == [])
    #expect(count.doubles == [7])
    #expect(throws: GraftIOError.self) { try dict.floatTensor("bn.num_batches_tracked") }
    #expect(throws: GraftIOError.missingTensor(file: dict.source, tensor: "nope", available: dict.names)) {
      try dict.floatTensor("nope")
    }
  }

  @Test func safetensorsGiveTheSameNamesAndValues() throws {
    let pth = try TorchStateDict.read(from: try torchFixture("state_dict.pth"))
    let safe = try TorchStateDict.read(from: try torchFixture("state_dict.safetensors"))
    #expect(Set(safe.names) == Set(pth.names.filter { pth[$0]!.dtype == .float32 }))
    for name in safe.names {
      let (a, b) = (try safe.floatTensor(name), try pth.floatTensor(name))
      #expect(a.shape == b.shape && a.scalars == b.scalars, "\(name)")
    }
  }

  @Test(arguments: [
    ("malicious_os_system.pth", "os.system"), ("malicious_posix_system.pkl", "posix.system"),
    ("malicious_eval.pth", "builtins.eval"),
  ])
  func maliciousPicklesAreRefusedByName(_ file: String, _ global: String) throws {
    let url = try torchFixture(file)
    let error = try #require(throws: GraftIOError.self) { try TorchStateDict.read(from: url) }
    #expect(error == .refusedPickleGlobal(file: url.path, global: global))
    #expect(!error.description.contains("\n"))
    #expect(error.description.contains(global))
  }

  @Test func damagedFilesAreRefusedInOneLine() throws {
    let dir = temporaryDirectory("torch-damaged")
    let good = try Data(contentsOf: try torchFixture("state_dict.pth"))
    let legacy = try Data(contentsOf: try torchFixture("state_dict_legacy.pth"))
    let cases: [(String, Data)] = [
      ("truncated.pth", good.prefix(good.count / 2)),
      ("legacy-truncated.pth", legacy.prefix(legacy.count - 10)),
      ("legacy-pickle-cut.pth", legacy.prefix(200)),
      ("empty.pth", Data()),
      ("flipped.pth", flipping(good, at: try #require(good.range(of: Data("_rebuild_tensor_v2".utf8))).lowerBound)),
      // Found by libFuzzer (`make fuzz`, kept in its corpus): a ZIP64 directory entry whose local header
      // offset is near 2⁶⁴ trapped ZIPFoundation 0.9.20 ("Not enough bits to represent the passed value").
      (
        "zip-offset-past-end.pth",
        try Data(
          contentsOf: URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Fuzz/Corpus/pth/regression-zip-offset-past-end.pth"))
      ),
    ]
    for (name, data) in cases {
      let url = dir.appendingPathComponent(name)
      try data.write(to: url)
      let error = try #require(throws: GraftIOError.self, "\(name)") { try TorchStateDict.read(from: url) }
      #expect(!error.description.contains("\n"), "\(name): \(error)")
      #expect(error.description.contains(url.path), "\(name): \(error)")
    }
  }

  private func flipping(_ data: Data, at index: Int) -> Data {
    var copy = data
    copy[index] ^= 0xFF
    return copy
  }
}
