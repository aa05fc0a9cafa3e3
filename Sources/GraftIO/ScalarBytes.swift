import Foundation
import GraftEngine

// Both file formats store elements little-endian. Every Linux target Swift supports (x86_64, aarch64)
// is little-endian too, so elements are copied as they are; on a big-endian host each one is swapped.

/// The element types GraftIO can read from a file.
enum StoredScalar: Sendable {
  case float32, float64, int32, int64

  /// Bytes per element.
  var byteWidth: Int {
    switch self {
    case .float32, .int32: return 4
    case .float64, .int64: return 8
    }
  }
}

/// Decodes `count` little-endian elements of type `stored` from the start of `bytes` into `S`.
///
/// Float to Float and Double to Double are exact copies; float64 read as Float rounds to nearest, and
/// integers beyond 2²⁴ (Float) or 2⁵³ (Double) round too. `bytes` must hold at least
/// `count × stored.byteWidth` bytes; it need not be aligned.
func decodeScalars<S: TensorScalar>(
  _ bytes: UnsafeRawBufferPointer, as stored: StoredScalar, count: Int, to: S.Type = S.self
) -> [S] {
  precondition(bytes.count >= count * stored.byteWidth, "decodeScalars: buffer too short")
  switch stored {
  case .float32:
    let floats = copyElements(bytes, count: count, of: Float.self) { Float(bitPattern: $0.bitPattern.byteSwapped) }
    return converted(floats)
  case .float64:
    let doubles = copyElements(bytes, count: count, of: Double.self) { Double(bitPattern: $0.bitPattern.byteSwapped) }
    return converted(doubles)
  case .int32:
    return integersConverted(copyElements(bytes, count: count, of: Int32.self) { $0.byteSwapped })
  case .int64:
    return integersConverted(copyElements(bytes, count: count, of: Int64.self) { $0.byteSwapped })
  }
}

/// Calls `body` with the elements of `scalars` as little-endian bytes (`count × MemoryLayout<S>.size`).
func withLittleEndianBytes<S: TensorScalar, R>(
  of scalars: [S], _ body: (UnsafeRawBufferPointer) throws -> R
) rethrows -> R {
  #if _endian(little)
    return try scalars.withUnsafeBytes(body)
  #else
    if S.self == Float.self {
      return try unsafeBitCast(scalars, to: [Float].self).map { $0.bitPattern.littleEndian }.withUnsafeBytes(body)
    }
    return try unsafeBitCast(scalars, to: [Double].self).map { $0.bitPattern.littleEndian }.withUnsafeBytes(body)
  #endif
}

/// `count` little-endian elements of type `T` from the start of `bytes`, in host order; `byteSwapped`
/// reverses an element's bytes (used only on big-endian hosts).
private func copyElements<T: BitwiseCopyable>(
  _ bytes: UnsafeRawBufferPointer, count: Int, of: T.Type, byteSwapped: (T) -> T
) -> [T] {
  [T](unsafeUninitializedCapacity: count) { buffer, initialized in
    if count > 0 {
      // A memcpy: the source may be unaligned (an F64 tensor after an odd number of F32 ones).
      UnsafeMutableRawBufferPointer(buffer).copyMemory(
        from: UnsafeRawBufferPointer(rebasing: bytes[0..<(count * MemoryLayout<T>.stride)]))
    }
    #if !_endian(little)
      for i in 0..<count { buffer[i] = byteSwapped(buffer[i]) }
    #endif
    initialized = count
  }
}

/// The same values as `S`; a copy-free cast when the types already agree, which is the common case.
private func converted<Source: TensorScalar, S: TensorScalar>(_ values: [Source]) -> [S] {
  if Source.self == S.self { return unsafeBitCast(values, to: [S].self) }
  // TensorScalar is Float or Double, so this is Float → Double (exact) or Double → Float (rounded).
  if S.self == Double.self { return unsafeBitCast(values.map { Double($0) }, to: [S].self) }
  return unsafeBitCast(values.map { Float($0) }, to: [S].self)
}

/// Integers as `S`, each rounded to the nearest representable value.
private func integersConverted<I: BinaryInteger, S: TensorScalar>(_ values: [I]) -> [S] {
  if S.self == Double.self { return unsafeBitCast(values.map { Double($0) }, to: [S].self) }
  return unsafeBitCast(values.map { Float($0) }, to: [S].self)
}
