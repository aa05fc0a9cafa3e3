import CGraftZlib
import Foundation
import GraftIO
import Testing

/// Decodes what `PNG.encode` writes, independently: chunk lengths and CRCs, the header, and the
/// inflated scanlines.
@Suite("PNG encoder")
struct PNGTests {
  func bigEndian(_ bytes: [UInt8], _ at: Int) -> Int {
    Int(bytes[at]) << 24 | Int(bytes[at + 1]) << 16 | Int(bytes[at + 2]) << 8 | Int(bytes[at + 3])
  }

  /// (type, body) of every chunk, checking each CRC.
  func chunks(_ png: [UInt8]) -> [(String, [UInt8])] {
    var result: [(String, [UInt8])] = []
    var offset = 8
    while offset < png.count {
      let length = bigEndian(png, offset)
      let typed = Array(png[(offset + 4)..<(offset + 8 + length)])
      let crc = typed.withUnsafeBufferPointer { crc32(0, $0.baseAddress, uInt(typed.count)) }
      #expect(Int(crc) == bigEndian(png, offset + 8 + length), "bad CRC")
      result.append((String(decoding: typed[0..<4], as: UTF8.self), Array(typed[4...])))
      offset += 12 + length
    }
    return result
  }

  @Test(arguments: [1, 3])
  func roundTrip(_ channels: Int) throws {
    let (width, height) = (5, 3)
    let pixels = (0..<(width * height * channels)).map { UInt8(($0 * 37) % 256) }
    let png = [UInt8](try PNG.encode(width: width, height: height, channels: channels, pixels: pixels))
    #expect(Array(png[0..<8]) == [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A])
    let parts = chunks(png)
    #expect(parts.map(\.0) == ["IHDR", "IDAT", "IEND"])
    let header = parts[0].1
    #expect(bigEndian(header, 0) == width && bigEndian(header, 4) == height)
    #expect(header[8] == 8 && header[9] == (channels == 1 ? 0 : 2))
    var raw = [UInt8](repeating: 0, count: (width * channels + 1) * height)
    var rawSize = uLong(raw.count)
    let compressed = parts[1].1
    #expect(uncompress(&raw, &rawSize, compressed, uLong(compressed.count)) == Z_OK)
    #expect(Int(rawSize) == raw.count)
    for y in 0..<height {
      let row = raw[(y * (width * channels + 1))..<((y + 1) * (width * channels + 1))]
      #expect(row.first == 0)  // filter type none
      #expect(Array(row.dropFirst()) == Array(pixels[(y * width * channels)..<((y + 1) * width * channels)]))
    }
  }

  @Test func rejectsMismatchedSizes() {
    #expect(throws: GraftIOError.self) { try PNG.encode(width: 4, height: 4, channels: 3, pixels: [0, 1, 2]) }
  }
}
