import Foundation
import GraftEngine
import GraftIO
import GraftTestSupport
import Testing

@Suite("NumPy .npy: round trips, NumPy's exact bytes, rejections")
struct NPYTests {
  static let shapes: [[Int]] = [[], [0], [1], [7], [3, 4], [2, 0, 5], [1_234_567, 0], [2, 3, 4, 5]]

  @Test(arguments: shapes)
  func floatTensorsRoundTripBitExactly(_ shape: [Int]) throws {
    let tensor = arbitraryFloats(shape, seed: 11)
    try withTemporaryDirectory { dir in
      let url = dir.appendingPathComponent("t.npy")
      try NPY.write(tensor, to: url)
      let back = try NPY.read(url, as: Float.self)
      #expect(back.shape == shape)
      #expect(bytes(back) == bytes(tensor))
      // NumPy aligns the data to 64 bytes so that it can be memory-mapped; Graft's files do too.
      #expect((try Data(contentsOf: url).count - tensor.count * 4) % 64 == 0)
    }
  }

  @Test(arguments: shapes)
  func doubleTensorsRoundTripBitExactly(_ shape: [Int]) throws {
    let tensor = arbitraryDoubles(shape, seed: 12)
    try withTemporaryDirectory { dir in
      let url = dir.appendingPathComponent("t.npy")
      try NPY.write(tensor, to: url)
      let back = try NPY.read(url, as: Double.self)
      #expect(back.shape == shape)
      #expect(bytes(back) == bytes(tensor))
    }
  }

  /// Graft writes the same bytes as `np.save` for the same array, header padding included.
  @Test(arguments: ["arange_f32.npy", "scalar_f64.npy", "empty_f32.npy", "randn_f64.npy", "highrank_f32.npy"])
  func writesTheBytesNumPyWrites(_ name: String) throws {
    let url = try fixture(name)
    let numpyBytes = try Data(contentsOf: url)
    try withTemporaryDirectory { dir in
      let out = dir.appendingPathComponent(name)
      if name.contains("f32") {
        try NPY.write(try NPY.read(url, as: Float.self), to: out)
      } else {
        try NPY.write(try NPY.read(url, as: Double.self), to: out)
      }
      #expect(try Data(contentsOf: out) == numpyBytes)
    }
  }

  @Test func convertsBetweenFloatAndDoubleOnRead() throws {
    try withTemporaryDirectory { dir in
      let url = dir.appendingPathComponent("t.npy")
      try NPY.write(Tensor<Float>([0.1, -3, .leastNonzeroMagnitude]), to: url)
      #expect(
        try NPY.read(url, as: Double.self).scalars == [Double(Float(0.1)), -3, Double(Float.leastNonzeroMagnitude)])
      try NPY.write(Tensor<Double>([0.1, 1e300, 1 + 1e-12]), to: url)
      #expect(try NPY.read(url, as: Float.self).scalars == [Float(0.1), .infinity, 1])
    }
  }

  @Test func readsVersionsTwoAndThree() throws {
    let v1 = try Data(contentsOf: try fixture("arange_f32.npy"))
    let headerLength = Int(v1[8]) | Int(v1[9]) << 8
    for major: UInt8 in [2, 3] {
      // Same header, but with a 4-byte length, as NumPy writes versions 2.0 and 3.0.
      var file = Data(v1.prefix(6))
      file.append(contentsOf: [major, 0])
      withUnsafeBytes(of: UInt32(headerLength).littleEndian) { file.append(contentsOf: $0) }
      file.append(v1.dropFirst(10))
      try withTemporaryDirectory { dir in
        let url = dir.appendingPathComponent("v\(major).npy")
        try file.write(to: url)
        let tensor = try NPY.read(url, as: Float.self)
        #expect(tensor.shape == [3, 4])
        #expect(tensor.scalars == (0..<12).map(Float.init))
      }
    }
  }

  @Test func rejectsBigEndian() throws {
    let url = try fixture("bigendian_f4.npy")
    let message = errorMessage { _ = try NPY.read(url, as: Float.self) }
    #expect(message.contains("big-endian ('>f4')"))
    #expect(message.contains(url.path))
  }

  @Test func rejectsFortranOrder() throws {
    let message = errorMessage { _ = try NPY.read(try fixture("fortran_f4.npy"), as: Float.self) }
    #expect(message.contains("Fortran (column-major) order"))
    #expect(message.contains("np.ascontiguousarray"))
  }

  @Test func rejectsBadMagic() throws {
    try withTemporaryDirectory { dir in
      let url = dir.appendingPathComponent("fake.npy")
      try Data("PK\u{03}\u{04} this is a zip, not an npy".utf8).write(to: url)
      let message = errorMessage { _ = try NPY.read(url, as: Float.self) }
      #expect(message.contains("not a .npy file"))
      #expect(message.contains("starts with 50 4b 03 04"))
      try Data().write(to: url)
      #expect(errorMessage { _ = try NPY.read(url, as: Float.self) }.contains("it is empty"))
    }
  }

  /// A copy of arange_f32.npy with `edit` applied to its bytes.
  func editedArange(_ edit: (inout Data) -> Void, _ check: (URL) throws -> Void) throws {
    var raw = try Data(contentsOf: try fixture("arange_f32.npy"))
    edit(&raw)
    try withTemporaryDirectory { dir in
      let url = dir.appendingPathComponent("edited.npy")
      try raw.write(to: url)
      try check(url)
    }
  }

  /// Replaces the first occurrence of `old` by `new` (same length, so the layout stays valid).
  func replacing(_ old: String, _ new: String) -> (inout Data) -> Void {
    { raw in
      let range = raw.range(of: Data(old.utf8))!
      raw.replaceSubrange(range, with: Data(new.utf8))
    }
  }

  @Test(arguments: [("<f2", "'<f2'"), ("|u1", "'|u1'"), ("<c8", "'<c8'"), ("|b1", "'|b1'")])
  func rejectsOtherDTypes(_ descr: String, _ shown: String) throws {
    try editedArange(replacing("<f4", descr)) { url in
      #expect(errorMessage { _ = try NPY.read(url, as: Float.self) }.contains("the array has dtype \(shown)"))
    }
  }

  @Test func rejectsTruncatedData() throws {
    try editedArange({ $0.removeLast(5) }) { url in
      let message = errorMessage { _ = try NPY.read(url, as: Float.self) }
      #expect(message.contains("truncated: the array needs bytes 0..<48 of the data section but the file has only 43"))
    }
  }

  @Test func rejectsBytesAfterTheData() throws {
    try editedArange({ $0.append(contentsOf: [0, 0, 0, 0]) }) { url in
      #expect(errorMessage { _ = try NPY.read(url, as: Float.self) }.contains("4 bytes after the array's data"))
    }
  }

  @Test func rejectsUnknownVersionAndBrokenHeaders() throws {
    try editedArange({ $0[6] = 4 }) { url in
      #expect(errorMessage { _ = try NPY.read(url, as: Float.self) }.contains("format version 4.0"))
    }
    try editedArange(replacing("'shape': (3, 4)", "'shape': [3, 4]")) { url in
      #expect(errorMessage { _ = try NPY.read(url, as: Float.self) }.contains("'shape' is [3, 4], not a tuple"))
    }
    try editedArange(replacing("'shape': (3, 4), }", "'shape': (3, 4)   ")) { url in
      #expect(errorMessage { _ = try NPY.read(url, as: Float.self) }.contains("not a Python dict literal"))
    }
    try editedArange({
      $0[8] = 0xFF
      $0[9] = 0x7F
    }) { url in
      #expect(errorMessage { _ = try NPY.read(url, as: Float.self) }.contains("the header length is 32767"))
    }
  }
}
