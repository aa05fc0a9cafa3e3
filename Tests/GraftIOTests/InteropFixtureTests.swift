import Foundation
import GraftEngine
import GraftIO
import GraftTestSupport
import Testing

/// Values Scripts/make_io_fixtures.py wrote to expected.json with full float64 precision.
struct ExpectedValues: Decodable {
  let randn_f64: FixtureTensor
  let running_var: FixtureTensor

  static func load() throws -> ExpectedValues {
    try JSONDecoder().decode(ExpectedValues.self, from: Data(contentsOf: try fixture("expected.json")))
  }
}

@Suite("Interop: files written by NumPy and the reference safetensors writer")
struct InteropFixtureTests {
  @Test func readsNumPysArange() throws {
    let tensor = try NPY.read(try fixture("arange_f32.npy"), as: Float.self)
    #expect(tensor.shape == [3, 4])
    #expect(tensor.scalars == (0..<12).map(Float.init))
  }

  @Test func readsSeededFloat64Normals() throws {
    let expected = try ExpectedValues.load().randn_f64
    let tensor = try NPY.read(try fixture("randn_f64.npy"), as: Double.self)
    #expect(tensor.shape == expected.shape)
    #expect(tensor.scalars == expected.data)
    #expect(Set(tensor.scalars).count == tensor.count, "the fixture should hold distinct random values")
  }

  @Test(arguments: ["labels_i64.npy", "labels_i32.npy"])
  func readsIntegerLabels(_ name: String) throws {
    let labels: [Double] = [3, 1, 4, 1, 5, 9, 2, 6]
    let asFloat = try NPY.read(try fixture(name), as: Float.self)
    #expect(asFloat.shape == [8])
    #expect(asFloat.scalars == labels.map(Float.init))
    #expect(try NPY.read(try fixture(name), as: Double.self).scalars == labels)
  }

  @Test func readsZeroDimensionalAndEmptyArrays() throws {
    let scalar = try NPY.read(try fixture("scalar_f64.npy"), as: Double.self)
    #expect(scalar.shape == [])
    #expect(scalar.scalars == [-2.5])
    let empty = try NPY.read(try fixture("empty_f32.npy"), as: Float.self)
    #expect(empty.shape == [0, 3])
    #expect(empty.count == 0)
  }

  @Test func readsReferenceWrittenSafeTensors() throws {
    let file = try SafeTensorsFile.read(from: try fixture("numpy_written.safetensors"))
    #expect(Set(file.names) == ["weight", "bias", "running_var", "scale"])
    #expect(try file.floatTensor("weight", shape: [2, 3]).scalars == [0, 0.25, 0.5, 0.75, 1, 1.25])
    #expect(try file.floatTensor("bias", shape: [3]).scalars == [-1, 0, 1])
    let expected = try ExpectedValues.load().running_var
    #expect(try file.doubleTensor("running_var", shape: expected.shape).scalars == expected.data)
    #expect(try file.doubleTensor("scale", shape: []).scalars == [0.1])
    #expect(file.metadata["format"] == "np")
    #expect(file.metadata["step"] == "42")
    #expect(file.metadata["writer"] != nil)
  }

  /// Writes files for Scripts/check_io_interop.py, and checks them here. With GRAFT_KEEP_IO_FILES set
  /// to a directory they are written there and kept, for Python to open:
  ///
  ///     GRAFT_KEEP_IO_FILES=/tmp/graft-io swift test --filter GraftIOTests
  ///     python3 Scripts/check_io_interop.py /tmp/graft-io/*
  ///
  /// The values are chosen so that their sums are exact: fc.weight 16.5, fc.bias 0, scale 2.5,
  /// graft_f32.npy 66, graft_f64.npy 7.5, graft_scalar_f64.npy 0.1.
  @Test func writeFilesForPython() throws {
    let keep = ProcessInfo.processInfo.environment["GRAFT_KEEP_IO_FILES"].flatMap { $0.isEmpty ? nil : $0 }
    func write(to dir: URL) throws {
      var checkpoint = Checkpoint(metadata: ["format": "pt"])
      checkpoint["fc.weight"] = Tensor(shape: [3, 4], scalars: (0..<12).map { Float($0) / 4 })
      checkpoint["fc.bias"] = Tensor([-1, 0, 1])
      checkpoint["empty"] = Tensor(shape: [0, 2], scalars: [])
      checkpoint["scale"] = Tensor(2.5)
      checkpoint.setInt(1200, forKey: "step")
      checkpoint.setGenerator(RandomGenerator(seed: 42), forKey: "rng")
      try checkpoint.save(to: dir.appendingPathComponent("graft_checkpoint.safetensors"))

      var mixed = SafeTensorsFile(metadata: ["made by": "GraftIOTests"])
      mixed["f32.odd"] = .float(Tensor([1, 2, 3]))
      mixed["f64.matrix"] = .double(Tensor(shape: [2, 2], scalars: [0.5, -0.25, 1e-300, 3]))
      try mixed.write(to: dir.appendingPathComponent("graft_mixed.safetensors"))

      try NPY.write(
        Tensor<Float>(shape: [3, 4], scalars: (0..<12).map(Float.init)), to: dir.appendingPathComponent("graft_f32.npy")
      )
      try NPY.write(
        Tensor<Double>(shape: [2, 3], scalars: (0..<6).map { Double($0) / 2 }),
        to: dir.appendingPathComponent("graft_f64.npy"))
      try NPY.write(Tensor<Double>(0.1), to: dir.appendingPathComponent("graft_scalar_f64.npy"))

      // What Python will read must be what Graft reads back.
      let back = try Checkpoint.load(from: dir.appendingPathComponent("graft_checkpoint.safetensors"))
      #expect(back.names == ["fc.weight", "fc.bias", "empty", "scale"])
      #expect(try back.int(forKey: "step") == 1200)
      #expect(try NPY.read(dir.appendingPathComponent("graft_f64.npy"), as: Double.self).scalars.reduce(0, +) == 7.5)
      let listing = try directoryListing(dir)
      #expect(
        Set(listing).isSuperset(of: [
          "graft_checkpoint.safetensors", "graft_mixed.safetensors", "graft_f32.npy", "graft_f64.npy",
          "graft_scalar_f64.npy",
        ]))
      #expect(!listing.contains { $0.hasPrefix(".") }, "temporary files left behind: \(listing)")
    }
    if let keep {
      let dir = URL(fileURLWithPath: keep, isDirectory: true)
      try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
      try write(to: dir)
      print(
        "GraftIO: wrote files for Python to \(dir.path); check them with python3 Scripts/check_io_interop.py \(dir.path)/*"
      )
    } else {
      try withTemporaryDirectory(write)
    }
  }
}
