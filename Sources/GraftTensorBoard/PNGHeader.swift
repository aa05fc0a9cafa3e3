import Foundation

/// The size and colour type of a PNG picture, from its IHDR chunk (what an image summary records beside
/// the encoded bytes).
struct PNGHeader {
  var width: Int
  var height: Int
  /// TensorBoard's colorspace: 1 gray, 2 gray + alpha, 3 RGB, 4 RGBA.
  var colorspace: Int32

  init(_ png: Data) throws {
    let bytes = [UInt8](png.prefix(26))
    let signature: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]
    guard bytes.count == 26, Array(bytes[0..<8]) == signature, bytes[12..<16].elementsEqual("IHDR".utf8) else {
      throw TensorBoardError("the image summary's bytes are not a PNG picture (no PNG signature and IHDR chunk)")
    }
    func bigEndian(_ at: Int) -> Int { bytes[at..<at + 4].reduce(0) { $0 << 8 | Int($1) } }
    width = bigEndian(16)
    height = bigEndian(20)
    switch bytes[25] {
    case 0: colorspace = 1
    case 4: colorspace = 2
    case 6: colorspace = 4
    default: colorspace = 3
    }
  }
}

/// A TensorBoard summary that cannot be written, said in one line.
public struct TensorBoardError: Error, CustomStringConvertible {
  public let description: String
  init(_ description: String) { self.description = description }
}
