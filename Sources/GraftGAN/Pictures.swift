import Foundation
import GraftEngine
import GraftIO

/// Pictures of samples, as PNG, each with a title that says what it shows: image grids, and 2-D
/// scatter plots with axes and a legend.
public enum Pictures {
  /// Tiles images [N, C, H, W] with values in [−1, 1] (C = 1 or 3) into a grid `columns` wide with a
  /// 2-pixel gap under `title` (its lines cut to the picture's width, at least 320 pixels with a title), and
  /// writes it as PNG.
  public static func writeGrid(_ images: Tensor<Float>, columns: Int = 8, title: [String] = [], to url: URL) throws {
    let (n, c, h, w) = (images.shape[0], images.shape[1], images.shape[2], images.shape[3])
    let cols = max(min(columns, n), 1)
    let rows = (n + cols - 1) / cols
    let gap = 2
    let gridWidth = cols * (w + gap) + gap
    let width = max(gridWidth, title.isEmpty ? 0 : 320)
    let band = title.isEmpty ? 0 : 6 + title.count * (BitmapFont.regular.height + 2)
    var canvas = Canvas(width: width, height: band + rows * (h + gap) + gap)
    for (i, line) in title.enumerated() {
      let font: BitmapFont = i == 0 ? .bold : .regular
      canvas.text(
        Canvas.fitted(line, font: font, maxWidth: width - 8), x: width / 2, y: 4 + i * (font.height + 2), font: font,
        anchor: .middle, i == 0 ? Canvas.text : Canvas.mutedText)
    }
    let x = images.scalars
    let left0 = (width - gridWidth) / 2
    for i in 0..<n {
      let top = band + gap + (i / cols) * (h + gap)
      let left = left0 + gap + (i % cols) * (w + gap)
      for y in 0..<h {
        for xx in 0..<w {
          if c == 1 {
            let v = byte(x[(i * h + y) * w + xx])
            canvas.blend(left + xx, top + y, (v, v, v))
          } else {
            let o = (i * c * h + y) * w + xx
            canvas.blend(left + xx, top + y, (byte(x[o]), byte(x[o + h * w]), byte(x[o + 2 * h * w])))
          }
        }
      }
    }
    try canvas.write(to: url)
  }

  /// Colours of the scatter plot (Tableau's grey, blue and red: told apart also by size and shape).
  static let realColor: Canvas.Color = (157, 149, 144)
  static let generatedColor: Canvas.Color = (47, 111, 176)
  static let centerColor: Canvas.Color = (225, 87, 89)

  /// A 2-D scatter plot over the square [−extent, extent]² under `title`: real points in grey,
  /// generated points in blue over them, mode centres as red crosses, with tick labels on both axes and
  /// a legend. Points outside the square, NaN ones included, are left out and counted under the legend.
  public static func writeScatter(
    real: Tensor<Float>, generated: Tensor<Float>, centers: [[Float]], extent: Float, title: [String] = [],
    size: Int = 440, to url: URL
  ) throws {
    let regular = BitmapFont.regular
    let (left, right) = (44, 16)
    let top = 10 + title.count * (regular.height + 3)
    let width = left + size + right
    let height = top + size + 74
    var canvas = Canvas(width: width, height: height)
    for (i, line) in title.enumerated() {
      let font: BitmapFont = i == 0 ? .bold : .regular
      canvas.text(
        Canvas.fitted(line, font: font, maxWidth: width - 8), x: width / 2, y: 5 + i * (regular.height + 3),
        font: font, anchor: .middle, i == 0 ? Canvas.text : Canvas.mutedText)
    }
    let e = Double(extent)
    func px(_ v: Double) -> Double { Double(left) + (v + e) / (2 * e) * Double(size - 1) }
    func py(_ v: Double) -> Double { Double(top) + (e - v) / (2 * e) * Double(size - 1) }
    // Ticks at whole numbers (every other one past ±5).
    let step = e > 5 ? 2.0 : 1.0
    for t in stride(from: -(e / step).rounded(.down) * step, through: e, by: step) {
      let (x, y) = (Int(px(t).rounded()), Int(py(t).rounded()))
      canvas.line(x0: x, y0: top, x1: x, y1: top + size - 1, Canvas.grid)
      canvas.line(x0: left, y0: y, x1: left + size - 1, y1: y, Canvas.grid)
      let label = t == 0 ? "0" : (t < 0 ? "−" : "") + String(Int(abs(t)))
      canvas.text(label, x: x, y: top + size + 3, anchor: .middle, Canvas.mutedText)
      canvas.text(label, x: left - 5, y: y - regular.height / 2, anchor: .end, Canvas.mutedText)
    }
    canvas.frame(x: left, y: top, width: size - 1, height: size - 1, Canvas.frame)
    canvas.text("x₁", x: left + size / 2, y: top + size + 18, anchor: .middle)
    canvas.text("x₂", x: 6, y: top + size / 2 - regular.height / 2)
    func inside(_ x: Float, _ y: Float) -> Bool { x.isFinite && y.isFinite && abs(x) <= extent && abs(y) <= extent }
    // Centres first, so that the data and the samples on them stay visible.
    for c in centers where c.count >= 2 && inside(c[0], c[1]) {
      canvas.cross(x: px(Double(c[0])), y: py(Double(c[1])), size: 6, centerColor)
    }
    let r = real.scalars
    for i in 0..<real.shape[0] where inside(r[2 * i], r[2 * i + 1]) {
      canvas.dot(x: px(Double(r[2 * i])), y: py(Double(r[2 * i + 1])), radius: 2, realColor)
    }
    let g = generated.scalars
    var off = 0
    for i in 0..<generated.shape[0] {
      guard inside(g[2 * i], g[2 * i + 1]) else {
        off += 1
        continue
      }
      canvas.dot(x: px(Double(g[2 * i])), y: py(Double(g[2 * i + 1])), radius: 1, generatedColor, alpha: 220)
    }
    // The legend, centred under the plot.
    let entries = [
      ("real data (\(real.shape[0]))", realColor), ("generated (\(generated.shape[0]))", generatedColor),
      ("mode centres", centerColor),
    ]
    let widths = entries.map { regular.width($0.0) + 30 }
    var x = (width - widths.reduce(0, +)) / 2
    let y = top + size + 38
    for (entry, w) in zip(entries, widths) {
      if entry.1 == centerColor {
        canvas.cross(x: Double(x + 6), y: Double(y + regular.height / 2), size: 4, entry.1)
      } else {
        canvas.dot(x: Double(x + 6), y: Double(y + regular.height / 2), radius: 3, entry.1)
      }
      canvas.text(entry.0, x: x + 16, y: y)
      x += w
    }
    if off > 0 {
      canvas.text(
        "\(off) generated point(s) off the plot", x: width / 2, y: y + regular.height + 2, anchor: .middle,
        Canvas.mutedText)
    }
    try canvas.write(to: url)
  }

  static func byte(_ v: Float) -> UInt8 {
    guard v.isFinite else { return 0 }
    return UInt8(max(0, min(255, ((v + 1) * 127.5).rounded())))
  }
}
