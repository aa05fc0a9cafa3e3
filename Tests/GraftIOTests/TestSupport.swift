import Foundation
import GraftEngine
import GraftIO
import GraftTestSupport
import Testing

/// The names in a directory, sorted (hidden files included: a leftover temp file is one).
func directoryListing(_ url: URL) throws -> [String] {
  try FileManager.default.contentsOfDirectory(atPath: url.path).sorted()
}

/// A committed fixture written by Scripts/make_io_fixtures.py.
func fixture(_ name: String) throws -> URL {
  try fixtureURL(name, in: .module, writtenBy: "Scripts/make_io_fixtures.py")
}

/// The elements' bytes: equal bytes is bit-exact equality, NaN payloads and the sign of zero included.
func bytes<S: TensorScalar>(_ tensor: Tensor<S>) -> [UInt8] {
  tensor.scalars.withUnsafeBytes { Array($0) }
}

/// Random bit patterns (so NaNs, infinities, subnormals and -0 all turn up) plus the special values
/// themselves, `shape` elements' worth.
func arbitraryFloats(_ shape: [Int], seed: UInt64) -> Tensor<Float> {
  var rng = RandomGenerator(seed: seed)
  let specials: [Float] = [0, -0.0, .infinity, -.infinity, .nan, .leastNonzeroMagnitude, .greatestFiniteMagnitude, 1]
  let count = shape.reduce(1, *)
  let scalars = (0..<count).map { i in
    i < specials.count ? specials[i] : Float(bitPattern: UInt32(truncatingIfNeeded: rng.next()))
  }
  return Tensor(shape: shape, scalars: scalars)
}

/// As `arbitraryFloats`, for Double.
func arbitraryDoubles(_ shape: [Int], seed: UInt64) -> Tensor<Double> {
  var rng = RandomGenerator(seed: seed)
  let specials: [Double] = [-0.0, .nan, .leastNonzeroMagnitude, -.infinity, 0.1]
  let count = shape.reduce(1, *)
  let scalars = (0..<count).map { i in i < specials.count ? specials[i] : Double(bitPattern: rng.next()) }
  return Tensor(shape: shape, scalars: scalars)
}

/// A safetensors file from a hand-written header and data section, for malformed inputs.
/// `headerLength` overrides the length prefix; the header is not padded.
func rawSafeTensors(header: String, data: [UInt8], headerLength: UInt64? = nil) -> Data {
  let headerBytes = Array(header.utf8)
  var file = Data()
  withUnsafeBytes(of: (headerLength ?? UInt64(headerBytes.count)).littleEndian) { file.append(contentsOf: $0) }
  file.append(contentsOf: headerBytes)
  file.append(contentsOf: data)
  return file
}

/// Runs `body`, which must throw a `GraftIOError`, and returns that error's message.
func errorMessage(_ body: () throws -> Void, sourceLocation: SourceLocation = #_sourceLocation) -> String {
  do {
    try body()
  } catch let error as GraftIOError {
    return error.description
  } catch {
    Issue.record("expected a GraftIOError, got \(type(of: error)): \(error)", sourceLocation: sourceLocation)
    return ""
  }
  Issue.record("expected an error, but none was thrown", sourceLocation: sourceLocation)
  return ""
}
