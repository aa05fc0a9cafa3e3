import Foundation
import GraftEngine
import GraftEval
import GraftIO
import GraftTestSupport
import Testing

/// A fixture written by Scripts/make_inception_fixtures.py (under Fixtures/inception).
func inceptionFixture(_ name: String) throws -> URL {
  try fixtureURL("inception/" + name, in: .module, writtenBy: "Scripts/make_inception_fixtures.py")
}

/// The deterministic weights Scripts/make_inception_fixtures.py gives pytorch-fid's network
/// (`formula_weight` there), with the batch norms' calibrated statistics from bn_stats.safetensors.
/// The same float64 arithmetic, rounded once to float32, gives the same bits in both languages.
enum InceptionTestWeights {
  /// FNV-1a, 32 bits, of the name's UTF-8 bytes.
  static func nameHash(_ name: String) -> UInt32 {
    name.utf8.reduce(0x811C_9DC5 as UInt32) { ($0 ^ UInt32($1)) &* 0x0100_0193 }
  }

  /// `count` values in [−1, 1): murmur3's finalizer of (i·0x9E3779B1 + hash) mod 2³², over 2³¹, minus 1.
  static func uniform(_ name: String, _ count: Int) -> [Double] {
    let h = nameHash(name)
    return (0..<count).map { i in
      var x = UInt32(truncatingIfNeeded: i) &* 0x9E37_79B1 &+ h
      x ^= x >> 16
      x = x &* 0x85EB_CA6B
      x ^= x >> 13
      x = x &* 0xC2B2_AE35
      x ^= x >> 16
      return Double(x) / 2_147_483_648 - 1
    }
  }

  static func formula(_ name: String, _ shape: [Int]) -> Tensor<Float> {
    let u = uniform(name, shape.reduce(1, *))
    let values: [Double]
    if name.hasSuffix("conv.weight") || name == "fc.weight" {
      let fanIn = Double(shape.dropFirst().reduce(1, *))
      let scale = name.hasSuffix("conv.weight") ? (6.0 / fanIn).squareRoot() : (3.0 / fanIn).squareRoot()
      values = u.map { $0 * scale }
    } else if name.hasSuffix("bn.weight") {
      values = u.map { 1 + 0.25 * $0 }
    } else if name.hasSuffix("bn.bias") {
      values = u.map { 0.25 * $0 }
    } else if name == "fc.bias" {
      values = u.map { 0.1 * $0 }
    } else {
      preconditionFailure("no formula for \(name)")
    }
    return Tensor(shape: shape, scalars: values.map { Float($0) })
  }

  /// The parameters, with the running statistics read from the fixture.
  static func parameters() throws -> InceptionParameters {
    let stats = try TorchStateDict.read(from: try inceptionFixture("bn_stats.safetensors"))
    return { name, shape in
      if name.hasSuffix("running_mean") || name.hasSuffix("running_var") {
        return try stats.floatTensor(name, shape: shape)
      }
      return formula(name, shape)
    }
  }
}

/// The names, shapes and dtypes of pytorch-fid's state dict (state_dict.json).
private struct StateDictNames: Decodable {
  struct Name: Decodable {
    let name: String
    let shape: [Int]
    let dtype: String
  }
  let names: [Name]
}

/// Built once: the network is ~24M parameters, and every test here uses the same one.
private let testNetwork: Result<FIDInceptionV3, any Error> = Result {
  try FIDInceptionV3(parameters: try InceptionTestWeights.parameters())
}

/// max |a − b| / max |b|: the relative error the golden tests bound.
private func maxRelativeError(_ a: [Float], _ b: [Float]) -> Double {
  let scale = b.reduce(0) { max($0, abs(Double($1))) }
  return zip(a, b).reduce(0) { max($0, abs(Double($1.0) - Double($1.1))) } / max(scale, 1e-30)
}

@Suite("pytorch-fid's Inception-v3 in Graft's engine: names, and outputs against torch's")
struct InceptionTests {
  @Test func asksForExactlyPytorchFIDsStateDict() throws {
    let expected = try JSONDecoder().decode(
      StateDictNames.self, from: Data(contentsOf: try inceptionFixture("state_dict.json")))
    var asked: [(String, [Int])] = []
    _ = try FIDInceptionV3(parameters: { name, shape in
      asked.append((name, shape))
      return Tensor(
        shape: shape, scalars: [Float](repeating: name.hasSuffix("running_var") ? 1 : 0, count: shape.reduce(1, *)))
    })
    let wanted = expected.names.filter { !$0.name.hasSuffix("num_batches_tracked") }
    #expect(expected.names.count - wanted.count == 94, "one num_batches_tracked per batch norm")
    #expect(asked.map(\.0) == wanted.map(\.name))
    #expect(asked.map(\.1) == wanted.map(\.shape))
    #expect(wanted.allSatisfy { $0.dtype == "float32" })
  }

  @Test(arguments: ["rgb", "gray"])
  func featuresAndLogitsMatchTorch(_ label: String) throws {
    let network = try testNetwork.get()
    let images = try NPY.read(try inceptionFixture("images_\(label).npy"), as: Float.self)
    let expected = try NPZ.read(try inceptionFixture("expected_\(label).npz"), as: Float.self)
    let pool = try #require(expected["pool"])
    let logits = try #require(expected["logits"])
    let n = images.shape[0]
    let out = try network.features(of: images, batchSize: 2)
    #expect(out.pool.shape == [n, 2048])
    #expect(out.logits.shape == [n, 1008])
    let poolError = maxRelativeError(out.pool.scalars, pool.scalars)
    let logitError = maxRelativeError(out.logits.scalars, logits.scalars)
    #expect(poolError < 1e-4, "pool features: max relative error \(poolError)")
    #expect(logitError < 1e-4, "logits: max relative error \(logitError)")

    // The comparison means something only if the features depend on the image: each image's features
    // lie well away from the batch's mean (torch's 0.15 to 1.1 of their norm here).
    let mean = (0..<2048).map { j in (0..<n).reduce(0.0) { $0 + Double(pool.scalars[$1 * 2048 + j]) } / Double(n) }
    for i in 0..<n {
      let row = pool.scalars[(i * 2048)..<((i + 1) * 2048)].map(Double.init)
      let distance = zip(row, mean).reduce(0) { $0 + ($1.0 - $1.1) * ($1.0 - $1.1) }.squareRoot()
      let norm = row.reduce(0) { $0 + $1 * $1 }.squareRoot()
      #expect(distance / norm > 0.1, "image \(i)'s features barely depend on it")
      #expect(distance / norm > 100 * poolError, "image \(i): the tolerance would hide the image's influence")
    }
  }

  @Test func batchSizeDoesNotChangeTheResult() throws {
    let network = try testNetwork.get()
    let images = try NPY.read(try inceptionFixture("images_gray.npy"), as: Float.self)
    let one = try network.features(of: images, batchSize: 1)
    let all = try network.features(of: images, batchSize: 3)
    #expect(maxRelativeError(one.pool.scalars, all.pool.scalars) < 1e-5)
  }

  @Test func refusesImagesOfOtherShapes() throws {
    let network = try testNetwork.get()
    #expect(throws: EvalError.self) {
      try network.features(of: Tensor(shape: [1, 2, 8, 8], scalars: [Float](repeating: 0, count: 128)))
    }
    #expect(throws: EvalError.self) {
      try network.features(of: Tensor(shape: [4, 8, 8], scalars: [Float](repeating: 0, count: 256)))
    }
  }

  @Test func loadsTheSameWeightsFromSafetensorsAndRefusesWrongShapes() throws {
    try withTemporaryDirectory { dir in
      var file = SafeTensorsFile()
      let parameters = try InceptionTestWeights.parameters()
      var names: [String] = []
      _ = try FIDInceptionV3(parameters: { name, shape in
        names.append(name)
        let t = try parameters(name, shape)
        file[name] = .float(t)
        return t
      })
      let url = dir.appendingPathComponent("inception.safetensors")
      try file.write(to: url)
      let network = try FIDInceptionV3(weightsAt: url)
      let images = try NPY.read(try inceptionFixture("images_gray.npy"), as: Float.self)[0..<1]
      let reference = try testNetwork.get().features(of: images)
      #expect(try network.features(of: images).pool.scalars == reference.pool.scalars)

      file["fc.weight"] = .float(Tensor(shape: [10, 2048], scalars: [Float](repeating: 0, count: 20480)))
      try file.write(to: url)
      #expect(
        throws: GraftIOError.shapeMismatch(
          file: url.path, tensor: "fc.weight", found: [10, 2048], expected: [1008, 2048])
      ) { try FIDInceptionV3(weightsAt: url) }
    }
  }
}
