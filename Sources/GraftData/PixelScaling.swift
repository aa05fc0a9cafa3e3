/// Pixel bytes 0...255 mapped to [−1, 1] as x / 127.5 − 1 (0 → −1, 255 → 1), the range GAN
/// generators with a tanh output produce.
enum PixelScaling {
  /// The scaled value of one byte.
  @inline(__always) static func scaled(_ byte: UInt8) -> Float { Float(byte) / 127.5 - 1 }

  /// Greyscale images `count` x `side` x `side` (row-major bytes) as floats in [−1, 1], each centred
  /// on a `paddedSide` x `paddedSide` canvas of background −1 (`paddedSide` ≥ `side`; the extra rows
  /// and columns go first to the bottom and right when their number is odd).
  static func scaledImages(_ bytes: [UInt8], count: Int, side: Int, paddedSide: Int) -> [Float] {
    precondition(paddedSide >= side, "PixelScaling: padded side \(paddedSide) < image side \(side)")
    precondition(bytes.count == count * side * side, "PixelScaling: \(bytes.count) bytes for \(count) images")
    let before = (paddedSide - side) / 2
    let plane = paddedSide * paddedSide
    return [Float](unsafeUninitializedCapacity: count * plane) { out, initialized in
      bytes.withUnsafeBufferPointer { src in
        if paddedSide == side {
          for i in 0..<src.count { out[i] = scaled(src[i]) }
        } else {
          out.initialize(repeating: -1)
          for image in 0..<count {
            for row in 0..<side {
              let from = (image * side + row) * side
              let to = image * plane + (row + before) * paddedSide + before
              for column in 0..<side { out[to + column] = scaled(src[from + column]) }
            }
          }
        }
      }
      initialized = count * plane
    }
  }
}
