import Foundation
import GraftIO
import Testing

@Suite("Canvas and bitmap font")
struct CanvasTests {
  /// Text inks pixels only inside its box (width from the font, height the line), in its colour.
  @Test func textInksItsBox() {
    var canvas = Canvas(width: 120, height: 30)
    let width = canvas.text("Adam 8/8", x: 10, y: 5, (200, 0, 0))
    #expect(width == BitmapFont.regular.width("Adam 8/8") && width > 30 && width < 80)
    var inked: [(Int, Int)] = []
    for y in 0..<30 {
      for x in 0..<120 where canvas.pixels[(y * 120 + x) * 3 + 1] < 255 { inked.append((x, y)) }
    }
    #expect(!inked.isEmpty)
    #expect(inked.allSatisfy { $0.0 >= 10 && $0.0 < 10 + width && $0.1 >= 5 && $0.1 < 5 + BitmapFont.regular.height })
    // Every character the pictures use is in the font (an unknown one is drawn as "?").
    for text in ["x₁ x₂ · σ × − ≥ ±", "ring8, step 4000 of 4000"] {
      #expect(BitmapFont.regular.width(text) != BitmapFont.regular.width(String(repeating: "?", count: text.count)))
    }
  }

  /// Drawing off the canvas or at non-finite coordinates is clipped, never a trap.
  @Test func drawingOffTheCanvasIsClipped() throws {
    var canvas = Canvas(width: 20, height: 10)
    canvas.dot(x: .nan, y: 3, radius: 2, (0, 0, 0))
    canvas.dot(x: 1e30, y: -1e30, radius: 2, (0, 0, 0))
    canvas.cross(x: -.infinity, y: 0, size: 3, (0, 0, 0))
    canvas.text("a long line of text", x: -50, y: -5)
    canvas.fill(x: 15, y: 5, width: 100, height: 100, (0, 0, 0))
    canvas.line(x0: -5, y0: 4, x1: 50, y1: 4, (0, 0, 0))
    #expect(canvas.pixels.count == 20 * 10 * 3)
    // The fill reached the corner; the line crossed the row.
    #expect(canvas.pixels[(9 * 20 + 19) * 3] == 0 && canvas.pixels[(4 * 20 + 0) * 3] == 0)
    #expect(try canvas.png().count > 50)
  }

  /// A title too wide for the picture is cut with an ellipsis.
  @Test func fittedTextEndsInAnEllipsis() {
    let long = "fashion-mnist: 64 samples at step 3000 of 3000, G adam lr 0.0002"
    let cut = Canvas.fitted(long, maxWidth: 150)
    #expect(cut.hasSuffix("…") && BitmapFont.regular.width(cut) <= 150 && cut.count < long.count)
    #expect(Canvas.fitted("short", maxWidth: 150) == "short")
  }
}
