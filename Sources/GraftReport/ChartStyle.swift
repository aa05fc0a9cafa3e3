/// Colours, fonts and text metrics shared by every chart.
public enum ChartStyle {
  /// Local fonts only (nothing is fetched); the generic family is the fallback.
  static let fontFamily = "DejaVu Sans, Helvetica, Arial, sans-serif"
  static let fontSize = 11.0
  static let titleSize = 13.5
  static let textColor = "#222222"
  static let mutedText = "#555555"
  static let axisColor = "#444444"
  static let gridColor = "#e3e3e3"
  static let background = "#ffffff"

  /// Tableau 10: distinct hues that survive most colour-vision deficiencies and greyscale printing.
  public static let palette = [
    "#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f",
    "#edc948", "#b07aa1", "#ff9da7", "#9c755f", "#bab0ac",
  ]

  /// Dash patterns that tell series apart once the palette repeats.
  static let dashes = ["", "6 3", "2 3", "8 3 2 3"]

  static func color(_ index: Int) -> String { palette[index % palette.count] }
  static func dash(_ index: Int) -> String { dashes[(index / palette.count) % dashes.count] }

  /// A width estimate for `text` at `size` (no font metrics at hand: DejaVu Sans averages about
  /// 0.6 em per character).
  static func textWidth(_ text: String, size: Double = fontSize) -> Double { Double(text.count) * size * 0.6 }

  /// `text` cut to `limit` characters with an ellipsis.
  static func truncated(_ text: String, _ limit: Int) -> String {
    text.count <= limit ? text : String(text.prefix(max(limit - 1, 1))) + "…"
  }
}

extension SVGWriter {
  /// The part every chart starts with: the title (truncated to the width, full text as tooltip) and a
  /// horizontal grid line with its label at each y tick (`ticks`: pixel y and label).
  mutating func titleAndHorizontalGrid(
    title: String, width: Double, ticks: [(y: Double, label: String)], left: Double, right: Double
  ) {
    if !title.isEmpty {
      text(
        ChartStyle.truncated(title, Int(width / (ChartStyle.titleSize * 0.6))), x: width / 2, y: 20,
        size: ChartStyle.titleSize, anchor: .middle, weight: "bold", className: "title", tooltip: title)
    }
    for tick in ticks {
      line(x1: left, y1: tick.y, x2: right, y2: tick.y, stroke: ChartStyle.gridColor)
      text(tick.label, x: left - 6, y: tick.y + 4, anchor: .end, fill: ChartStyle.mutedText, className: "tick-label")
    }
  }
}
