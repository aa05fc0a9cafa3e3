import Foundation

/// One tensor of a PyTorch state dict: its dtype, shape and elements, contiguous (row-major) and
/// little-endian, whatever view of a storage the file held.
public struct TorchTensor: Sendable {
  public let dtype: TorchDType
  public let shape: [Int]
  /// The elements' bytes, `count × dtype.byteWidth`, row-major, little-endian.
  let bytes: [UInt8]

  init(dtype: TorchDType, shape: [Int], bytes: [UInt8]) {
    precondition(bytes.count == shape.reduce(1, *) * dtype.byteWidth, "TorchTensor: bytes do not match the shape")
    self.dtype = dtype
    self.shape = shape
    self.bytes = bytes
  }

  /// The number of elements.
  public var count: Int { shape.reduce(1, *) }

  /// The elements as Doubles, row-major: exact for every dtype but int64 beyond 2⁵³.
  public var doubles: [Double] {
    (0..<count).map { element($0) }
  }

  /// The elements as Floats, row-major: float32 exactly (one copy), others rounded to nearest.
  public var floats: [Float] {
    if dtype == .float32 {
      return [Float](unsafeUninitializedCapacity: count) { buffer, initialized in
        bytes.withUnsafeBytes { UnsafeMutableRawBufferPointer(buffer).copyMemory(from: $0) }
        #if !_endian(little)
          for i in 0..<count { buffer[i] = Float(bitPattern: buffer[i].bitPattern.byteSwapped) }
        #endif
        initialized = count
      }
    }
    return (0..<count).map { Float(element($0)) }
  }

  /// Element `i` (row-major) as a Double.
  private func element(_ i: Int) -> Double {
    let w = dtype.byteWidth
    let raw = (0..<w).reduce(UInt64(0)) { $0 | UInt64(bytes[i * w + $1]) << UInt64(8 * $1) }
    switch dtype {
    case .float64: return Double(bitPattern: raw)
    case .float32: return Double(Float(bitPattern: UInt32(raw)))
    case .bfloat16: return Double(Float(bitPattern: UInt32(raw) << 16))
    case .float16: return Double(Self.halfToFloat(UInt16(raw)))
    case .int64: return Double(Int64(bitPattern: raw))
    case .int32: return Double(Int32(bitPattern: UInt32(raw)))
    case .int16: return Double(Int16(bitPattern: UInt16(raw)))
    case .int8: return Double(Int8(bitPattern: UInt8(raw)))
    case .uint8, .bool: return Double(raw)
    }
  }

  /// IEEE half precision to Float, without Float16 (not available on every platform Swift targets).
  private static func halfToFloat(_ h: UInt16) -> Float {
    let sign: Float = h & 0x8000 != 0 ? -1 : 1
    let exponent = Int((h >> 10) & 0x1F)
    let fraction = Float(h & 0x3FF)
    switch exponent {
    case 0: return sign * fraction * 0x1p-24
    case 31: return fraction == 0 ? sign * .infinity : .nan
    default: return sign * (1 + fraction / 1024) * Float(sign: .plus, exponent: exponent - 15, significand: 1)
    }
  }
}
