import CGraftZlib
import Foundation

/// A minimal, correct PNG encoder (8-bit grayscale or RGB, zlib-compressed, CRC-checked chunks).
public enum PNG {
  /// Encodes pixels in row-major order: `channels` 1 (gray) or 3 (RGB) bytes per pixel.
  public static func encode(width: Int, height: Int, channels: Int, pixels: [UInt8]) throws -> Data {
    guard channels == 1 || channels == 3, pixels.count == width * height * channels, width > 0, height > 0 else {
      throw GraftIOError.invalidContent(
        file: "PNG image",
        problem: "\(pixels.count) bytes do not make a \(width)x\(height) image with \(channels) channels")
    }
    // Each row starts with filter type 0 (none).
    var raw = [UInt8]()
    raw.reserveCapacity((width * channels + 1) * height)
    for y in 0..<height {
      raw.append(0)
      raw.append(contentsOf: pixels[(y * width * channels)..<((y + 1) * width * channels)])
    }
    var compressedSize = compressBound(uLong(raw.count))
    var compressed = [UInt8](repeating: 0, count: Int(compressedSize))
    let status = compress2(&compressed, &compressedSize, raw, uLong(raw.count), 6)
    guard status == Z_OK else {
      throw GraftIOError.invalidContent(file: "PNG image", problem: "zlib compression failed (status \(status))")
    }

    var png = Data([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A])
    var header = Data()
    header.appendBigEndian(UInt32(width))
    header.appendBigEndian(UInt32(height))
    header.append(contentsOf: [8, channels == 1 ? 0 : 2, 0, 0, 0])  // depth 8, gray/RGB, deflate, no filter, no interlace
    appendChunk("IHDR", header, to: &png)
    appendChunk("IDAT", Data(compressed[0..<Int(compressedSize)]), to: &png)
    appendChunk("IEND", Data(), to: &png)
    return png
  }

  /// Encodes and writes atomically.
  public static func write(width: Int, height: Int, channels: Int, pixels: [UInt8], to url: URL) throws {
    try AtomicFile.write(try encode(width: width, height: height, channels: channels, pixels: pixels), to: url)
  }

  private static func appendChunk(_ type: String, _ body: Data, to png: inout Data) {
    png.appendBigEndian(UInt32(body.count))
    let typed = Data(type.utf8) + body
    png.append(typed)
    let crc = typed.withUnsafeBytes { crc32(0, $0.bindMemory(to: UInt8.self).baseAddress, uInt(typed.count)) }
    png.appendBigEndian(UInt32(crc))
  }
}

extension Data {
  fileprivate mutating func appendBigEndian(_ value: UInt32) {
    append(contentsOf: [
      UInt8(value >> 24), UInt8((value >> 16) & 0xFF), UInt8((value >> 8) & 0xFF), UInt8(value & 0xFF),
    ])
  }
}
