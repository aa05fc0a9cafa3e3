import Foundation

/// A check of a zip archive's directory before ZIPFoundation reads it. ZIPFoundation 0.9.20 trusts the
/// offsets and sizes the central directory records: one past the end of a file, or near 2⁶⁴, traps it
/// (an integer conversion or overflow) instead of throwing. libFuzzer found such a .pth; this check makes
/// any zip whose directory points outside the file a refusal.
enum ZipDirectory {
  /// Why `bytes` (a zip archive) cannot be read safely, or nil when every directory entry's local header
  /// and sizes lie within the file. Reads the end-of-directory record (ZIP64 where present) and walks
  /// the entries as ZIPFoundation's iterator does, stopping where it would (a bad signature).
  static func problem(_ bytes: UnsafeRawBufferPointer) -> String? {
    let size = UInt64(bytes.count)
    func integer(_ at: UInt64, _ width: Int) -> UInt64? {
      guard at <= size, UInt64(width) <= size - at else { return nil }
      let start = Int(at)
      return (0..<width).reversed().reduce(UInt64(0)) { $0 << 8 | UInt64(bytes[start + $1]) }
    }
    // The end-of-central-directory record: the last signature within the final 64 KiB + 22 bytes.
    guard size >= 22 else { return "it is too short to be a zip archive" }
    var end: UInt64?
    var at = size - 22
    while true {
      if integer(at, 4) == 0x0605_4b50 {
        end = at
        break
      }
      if at == 0 || size - at > 65_557 { break }
      at -= 1
    }
    guard let end, var entries = integer(end + 10, 2), var directorySize = integer(end + 12, 4),
      var directoryStart = integer(end + 16, 4)
    else { return "it has no zip end-of-directory record" }
    // ZIP64: a locator 20 bytes before the record points at the 64-bit record.
    if end >= 20, integer(end - 20, 4) == 0x0706_4b50 {
      guard let record = integer(end - 12, 8), integer(record, 4) == 0x0606_4b50,
        let count = integer(record + 32, 8), let length = integer(record + 40, 8), let start = integer(record + 48, 8)
      else { return "its ZIP64 end-of-directory record lies outside the file" }
      (entries, directorySize, directoryStart) = (count, length, start)
    }
    guard directoryStart <= size, directorySize <= size - directoryStart else {
      return "its zip directory lies outside the file"
    }
    var position = directoryStart
    for _ in 0..<min(entries, size / 46 + 1) {
      guard integer(position, 4) == 0x0201_4b50, let nameLength = integer(position + 28, 2),
        let extraLength = integer(position + 30, 2), let commentLength = integer(position + 32, 2),
        var compressed = integer(position + 20, 4), var uncompressed = integer(position + 24, 4),
        var offset = integer(position + 42, 4)
      else { return nil }
      // The ZIP64 extra field (id 1) holds, in order, the 64-bit values of the fields saturated at 2³² − 1.
      var extra = position + 46 + nameLength
      let extraEnd = extra + extraLength
      while extra + 4 <= extraEnd, let id = integer(extra, 2), let length = integer(extra + 2, 2) {
        if id == 1 {
          var field = extra + 4
          var values = [uncompressed, compressed, offset]
          for i in values.indices where values[i] == 0xFFFF_FFFF {
            guard field + 8 <= extra + 4 + length, let wide = integer(field, 8) else { break }
            values[i] = wide
            field += 8
          }
          (uncompressed, compressed, offset) = (values[0], values[1], values[2])
        }
        extra += 4 + length
      }
      guard offset < size, size - offset >= 30, compressed <= size, uncompressed < 1 << 62 else {
        return "an entry of its zip directory points outside the file (offset \(offset), size \(compressed))"
      }
      position += 46 + nameLength + extraLength + commentLength
    }
    return nil
  }
}
