/// An IDX file of unsigned bytes (the MNIST / Fashion-MNIST format), read whole or its first items.
///
/// Layout: the magic number `0x00 0x00 <type> <rank>`, then `rank` big-endian UInt32 dimension sizes,
/// then the elements in row-major order. Only type 0x08 (unsigned byte) is read; other types are
/// recognised and refused with a clear error. Raw and gzip'd files are both read (gzip is detected by
/// its magic bytes, not by the name). The body must hold exactly the product of the dimensions.
public struct IDXFile: Sendable, Equatable {
  /// The type code of unsigned bytes, the only one read.
  public static let unsignedByteType: UInt8 = 0x08

  /// The file read, for messages.
  public let path: String
  /// The header's dimensions, as stored in the file.
  public let fileDimensions: [Int]
  /// The dimensions of the data held: the header's, the first reduced to the items loaded.
  public let dimensions: [Int]
  /// The elements held, row-major.
  public let bytes: [UInt8]

  /// Items held (the first dimension of `dimensions`).
  public var itemCount: Int { dimensions[0] }
  /// Bytes per item (the product of all but the first dimension).
  public var itemSize: Int { dimensions.dropFirst().reduce(1, *) }

  /// Reads `path`, keeping the first `limit` items along the first dimension (all when `nil`).
  ///
  /// The whole file is still checked: bytes past the limit are decompressed and counted (not kept),
  /// so a truncated or over-long file is an error whatever the limit.
  public init(contentsOf path: String, limit: Int? = nil) throws(DataError) {
    precondition(limit.map { $0 >= 0 } ?? true, "IDXFile: limit must be non-negative, got \(limit!)")
    let file = try GzipOrRawFile(path: path)
    let magic = try file.read(count: 4)
    guard magic.count == 4 else {
      throw .badHeader(path: path, reason: "the file has \(magic.count) bytes, fewer than the 4-byte magic number")
    }
    guard magic[0] == 0, magic[1] == 0 else { throw .badMagic(path: path, bytes: magic) }
    guard magic[2] == Self.unsignedByteType else { throw .unsupportedType(path: path, typeCode: magic[2]) }
    let rank = Int(magic[3])
    guard rank > 0 else { throw .badHeader(path: path, reason: "rank 0 (no dimensions)") }
    let sizeBytes = try file.read(count: 4 * rank)
    guard sizeBytes.count == 4 * rank else {
      throw .badHeader(
        path: path, reason: "rank \(rank) needs \(4 * rank) dimension bytes, the file has \(sizeBytes.count)")
    }
    var dimensions: [Int] = []
    var total = 1
    for axis in 0..<rank {
      let b = sizeBytes[(4 * axis)..<(4 * axis + 4)].map { Int($0) }
      let size = b[0] << 24 | b[1] << 16 | b[2] << 8 | b[3]
      dimensions.append(size)
      let (product, overflow) = total.multipliedReportingOverflow(by: size)
      guard !overflow else { throw .badHeader(path: path, reason: "dimensions \(dimensions) are too large") }
      total = product
    }
    // The item size on its own: with a first dimension of 0 the total is 0 whatever the others are, and
    // their product could still overflow (it once trapped).
    var itemSize = 1
    for size in dimensions.dropFirst() {
      let (product, overflow) = itemSize.multipliedReportingOverflow(by: size)
      guard !overflow else { throw .badHeader(path: path, reason: "dimensions \(dimensions) are too large") }
      itemSize = product
    }
    let kept = Swift.min(limit ?? dimensions[0], dimensions[0])
    let (keptBytes, keptOverflow) = kept.multipliedReportingOverflow(by: itemSize)
    guard !keptOverflow else { throw .badHeader(path: path, reason: "dimensions \(dimensions) are too large") }
    let body = try file.read(count: keptBytes)
    guard body.count == keptBytes else {
      throw .bodyLengthMismatch(path: path, expected: total, actual: body.count)
    }
    let actual = try keptBytes + file.countRemainingBytes()
    guard actual == total else { throw .bodyLengthMismatch(path: path, expected: total, actual: actual) }

    self.path = path
    self.fileDimensions = dimensions
    self.dimensions = [kept] + dimensions.dropFirst()
    self.bytes = body
  }

  /// The bytes of an IDX file of unsigned bytes with these dimensions and row-major elements (to write
  /// fixtures or export data). `bytes.count` must equal the product of `dimensions`.
  public static func encoded(dimensions: [Int], bytes: [UInt8]) -> [UInt8] {
    precondition(!dimensions.isEmpty && dimensions.count < 256, "IDXFile: rank must be in 1...255")
    precondition(dimensions.allSatisfy { $0 >= 0 && $0 <= Int(UInt32.max) }, "IDXFile: bad dimensions \(dimensions)")
    precondition(
      dimensions.reduce(1, *) == bytes.count,
      "IDXFile: dimensions \(dimensions) need \(dimensions.reduce(1, *)) bytes, got \(bytes.count)")
    var out: [UInt8] = [0, 0, unsignedByteType, UInt8(dimensions.count)]
    for size in dimensions {
      out += [
        UInt8(truncatingIfNeeded: size >> 24), UInt8(truncatingIfNeeded: size >> 16),
        UInt8(truncatingIfNeeded: size >> 8), UInt8(truncatingIfNeeded: size),
      ]
    }
    return out + bytes
  }

  /// The IDX name of an element type code (`"unsigned byte"` for 0x08, ...), `nil` for unknown codes.
  public static func typeName(_ code: UInt8) -> String? {
    switch code {
    case 0x08: "unsigned byte"
    case 0x09: "signed byte"
    case 0x0B: "short (2 bytes)"
    case 0x0C: "int (4 bytes)"
    case 0x0D: "float (4 bytes)"
    case 0x0E: "double (8 bytes)"
    default: nil
    }
  }
}
