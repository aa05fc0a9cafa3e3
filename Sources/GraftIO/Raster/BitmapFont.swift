import Foundation

/// An anti-aliased bitmap font for text in PNG pictures (titles, axis labels, legends): one alpha cell
/// per character, as wide as its advance and `height` tall. Two are built in, `regular` and `bold`
/// (DejaVu Sans, `BitmapFontGlyphs.swift`, made by Scripts/make_bitmap_font.py). Characters it lacks
/// are drawn as "?".
public struct BitmapFont: Sendable {
  /// Line height and the baseline's distance from the top, in pixels.
  public let height: Int
  public let ascent: Int
  private let widths: [Int]
  private let offsets: [Int]
  private let alpha: [UInt8]
  private let index: [Character: Int]

  init(height: Int, ascent: Int, widths: [Int], alphaBase64: String) {
    self.height = height
    self.ascent = ascent
    self.widths = widths
    var offsets: [Int] = []
    var offset = 0
    for w in widths {
      offsets.append(offset)
      offset += w * height
    }
    self.offsets = offsets
    let alpha = [UInt8](Data(base64Encoded: alphaBase64) ?? Data())
    precondition(alpha.count == offset, "the glyph table does not match its widths: regenerate it")
    self.alpha = alpha
    index = Dictionary(uniqueKeysWithValues: Self.characters.enumerated().map { ($1, $0) })
  }

  private func glyph(_ c: Character) -> Int { index[c] ?? index["?"]! }

  /// The width of `text` in pixels.
  public func width(_ text: String) -> Int { text.reduce(0) { $0 + widths[glyph($1)] } }

  /// Calls `plot(x, y, alpha)` for each inked pixel of `text` with its top-left corner at (x, y).
  func render(_ text: String, x: Int, y: Int, _ plot: (Int, Int, UInt8) -> Void) {
    var left = x
    for c in text {
      let g = glyph(c)
      let w = widths[g]
      for row in 0..<height {
        for column in 0..<w {
          let a = alpha[offsets[g] + row * w + column]
          if a > 0 { plot(left + column, y + row, a) }
        }
      }
      left += w
    }
  }
}
