import Foundation

/// An RGB picture to draw on — rectangles, lines, dots, crosses and text — then write as PNG. Drawing
/// off the canvas is clipped (never a trap), and non-finite coordinates draw nothing.
public struct Canvas: Sendable {
  public typealias Color = (red: UInt8, green: UInt8, blue: UInt8)

  public let width: Int
  public let height: Int
  public private(set) var pixels: [UInt8]

  public static let white: Color = (255, 255, 255)
  public static let text: Color = (34, 34, 34)
  public static let mutedText: Color = (85, 85, 85)
  public static let frame: Color = (68, 68, 68)
  public static let grid: Color = (227, 227, 227)

  public init(width: Int, height: Int, background: Color = Canvas.white) {
    self.width = max(width, 1)
    self.height = max(height, 1)
    pixels = [UInt8](repeating: 0, count: self.width * self.height * 3)
    fill(x: 0, y: 0, width: self.width, height: self.height, background)
  }

  /// Blends `color` into the pixel at (x, y) with opacity `alpha` (255: opaque).
  public mutating func blend(_ x: Int, _ y: Int, _ color: Color, alpha: UInt8 = 255) {
    guard x >= 0, y >= 0, x < width, y < height else { return }
    let o = (y * width + x) * 3
    let a = Int(alpha)
    func mix(_ old: UInt8, _ new: UInt8) -> UInt8 { UInt8((Int(old) * (255 - a) + Int(new) * a + 127) / 255) }
    pixels[o] = mix(pixels[o], color.red)
    pixels[o + 1] = mix(pixels[o + 1], color.green)
    pixels[o + 2] = mix(pixels[o + 2], color.blue)
  }

  public mutating func fill(x: Int, y: Int, width w: Int, height h: Int, _ color: Color) {
    let (x0, x1, y0, y1) = (max(x, 0), min(x + w, width), max(y, 0), min(y + h, height))
    guard x0 < x1, y0 < y1 else { return }
    for yy in y0..<y1 {
      for xx in x0..<x1 {
        let o = (yy * width + xx) * 3
        (pixels[o], pixels[o + 1], pixels[o + 2]) = color
      }
    }
  }

  /// A horizontal or vertical line from (x0, y0) to (x1, y1), one pixel wide.
  public mutating func line(x0: Int, y0: Int, x1: Int, y1: Int, _ color: Color) {
    if y0 == y1 {
      for x in min(x0, x1)...max(x0, x1) { blend(x, y0, color) }
    } else {
      for y in min(y0, y1)...max(y0, y1) { blend(x0 + (x1 - x0) * (y - y0) / (y1 - y0), y, color) }
    }
  }

  /// The outline of a rectangle.
  public mutating func frame(x: Int, y: Int, width w: Int, height h: Int, _ color: Color) {
    line(x0: x, y0: y, x1: x + w, y1: y, color)
    line(x0: x, y0: y + h, x1: x + w, y1: y + h, color)
    line(x0: x, y0: y, x1: x, y1: y + h, color)
    line(x0: x + w, y0: y, x1: x + w, y1: y + h, color)
  }

  /// A filled square dot of side 2·`radius` + 1 centred at (x, y); nothing for non-finite or far-off
  /// coordinates.
  public mutating func dot(x: Double, y: Double, radius: Int, _ color: Color, alpha: UInt8 = 255) {
    guard x.isFinite, y.isFinite, abs(x) < 1e6, abs(y) < 1e6 else { return }
    let (cx, cy) = (Int(x.rounded()), Int(y.rounded()))
    for dy in -radius...radius {
      for dx in -radius...radius { blend(cx + dx, cy + dy, color, alpha: alpha) }
    }
  }

  /// An × of half-size `size`, two pixels thick.
  public mutating func cross(x: Double, y: Double, size: Int, _ color: Color) {
    guard x.isFinite, y.isFinite, abs(x) < 1e6, abs(y) < 1e6 else { return }
    let (cx, cy) = (Int(x.rounded()), Int(y.rounded()))
    for t in -size...size {
      for d in 0...1 {
        blend(cx + t + d, cy + t, color)
        blend(cx + t + d, cy - t, color)
      }
    }
  }

  public enum Anchor: Sendable { case start, middle, end }

  /// `text` in `font` with its top at `y`, starting at, centred on or ending at `x`; returns its width.
  @discardableResult
  public mutating func text(
    _ text: String, x: Int, y: Int, font: BitmapFont = .regular, anchor: Anchor = .start, _ color: Color = Canvas.text
  ) -> Int {
    let w = font.width(text)
    let left =
      switch anchor {
      case .start: x
      case .middle: x - w / 2
      case .end: x - w
      }
    font.render(text, x: left, y: y) { px, py, a in blend(px, py, color, alpha: a) }
    return w
  }

  /// `text` cut with an ellipsis to fit `maxWidth` pixels.
  public static func fitted(_ text: String, font: BitmapFont = .regular, maxWidth: Int) -> String {
    guard font.width(text) > maxWidth else { return text }
    var cut = text
    while !cut.isEmpty && font.width(cut + "…") > maxWidth { cut.removeLast() }
    return cut + "…"
  }

  public func png() throws -> Data { try PNG.encode(width: width, height: height, channels: 3, pixels: pixels) }

  public func write(to url: URL) throws {
    try PNG.write(width: width, height: height, channels: 3, pixels: pixels, to: url)
  }
}
