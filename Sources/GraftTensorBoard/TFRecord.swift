import Foundation

/// TFRecord framing, the container of TensorBoard's event files. Each record is
///
///     uint64 length (little-endian) | uint32 masked CRC32C of those 8 bytes | data | uint32 masked CRC32C of data
public enum TFRecord {
  /// One record of `data` framed.
  public static func frame(_ data: Data) -> Data {
    let length = littleEndianBytes(UInt64(data.count))
    var out = Data(capacity: data.count + 16)
    out.append(contentsOf: length)
    out.append(contentsOf: littleEndianBytes(CRC32C.masked(length)))
    out.append(data)
    out.append(contentsOf: littleEndianBytes(CRC32C.masked(data)))
    return out
  }

  /// A record found in a file: its payload and where its frame starts and ends (byte offsets).
  public struct Record: Sendable {
    public var payload: Data
    public var start: Int
    public var end: Int
  }

  /// The records of `data` in order, up to the first that is cut short or fails a checksum (what a killed
  /// writer leaves at the end of a file); `validLength` is where the good records end.
  public static func records(in data: Data) -> (records: [Record], validLength: Int) {
    let bytes = [UInt8](data)
    var records: [Record] = []
    var offset = 0
    while bytes.count - offset >= 16 {
      let header = bytes[offset..<offset + 8]
      guard readUInt32(bytes, at: offset + 8) == CRC32C.masked(header) else { break }
      let length = header.reversed().reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
      guard length <= UInt64(bytes.count - offset - 16) else { break }
      let start = offset + 12
      let end = start + Int(length)
      let payload = bytes[start..<end]
      guard readUInt32(bytes, at: end) == CRC32C.masked(payload) else { break }
      records.append(Record(payload: Data(payload), start: offset, end: end + 4))
      offset = end + 4
    }
    return (records, offset)
  }

  private static func readUInt32(_ bytes: [UInt8], at offset: Int) -> UInt32 {
    (0..<4).reduce(UInt32(0)) { $0 | UInt32(bytes[offset + $1]) << (8 * UInt32($1)) }
  }

  private static func littleEndianBytes<T: FixedWidthInteger>(_ value: T) -> [UInt8] {
    (0..<T.bitWidth / 8).map { UInt8(truncatingIfNeeded: value >> (8 * $0)) }
  }
}
