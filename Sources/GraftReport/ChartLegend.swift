/// A legend: one row per entry (a line or box swatch and a name), stacked in columns to the right of
/// a chart's plot area, or flowed in rows under it when it would take too much of the width.
struct ChartLegend {
  struct Entry {
    var name: String
    var color: String
    var dash: String = ""
    /// A filled box (bars) instead of a line (series).
    var box = false
    var note = ""
  }

  var entries: [Entry]
  static let rowHeight = 16.0
  static let swatch = 22.0
  static let maximumCharacters = 36

  private func label(_ e: Entry) -> String { ChartStyle.truncated(e.name, Self.maximumCharacters) + e.note }

  /// Width of one column of the legend.
  var columnWidth: Double {
    guard !entries.isEmpty else { return 0 }
    return Self.swatch + 8 + (entries.map { ChartStyle.textWidth(label($0)) }.max() ?? 0) + 12
  }

  /// Rows that fit in `height`; more entries spill into further columns.
  func columns(height: Double) -> Int {
    let rows = max(Int(height / Self.rowHeight), 1)
    return max((entries.count + rows - 1) / rows, 1)
  }

  func width(height: Double) -> Double { entries.isEmpty ? 0 : columnWidth * Double(columns(height: height)) }

  /// Rows of a legend laid out under a chart, `width` wide: entries flow left to right.
  func rowsBelow(width: Double) -> Int {
    entries.isEmpty ? 0 : (entries.count + columnsBelow(width: width) - 1) / columnsBelow(width: width)
  }

  private func columnsBelow(width: Double) -> Int { max(Int(width / max(columnWidth, 1)), 1) }

  /// Draws the legend in columns from (x, y), `height` tall (entries go down, then across), or,
  /// with `below` set, in rows of as many columns as fit in `width` (entries go across, then down).
  func draw(into svg: inout SVGWriter, x: Double, y: Double, height: Double, below width: Double? = nil) {
    let rows = max(Int(height / Self.rowHeight), 1)
    for (i, e) in entries.enumerated() {
      let (column, row) =
        width.map { (i % columnsBelow(width: $0), i / columnsBelow(width: $0)) } ?? (i / rows, i % rows)
      let left = x + Double(column) * columnWidth
      let middle = y + Double(row) * Self.rowHeight + Self.rowHeight / 2
      if e.box {
        svg.rect(x: left + 5, y: middle - 5, width: 12, height: 10, fill: e.color, className: "legend-swatch")
      } else {
        svg.line(
          x1: left, y1: middle, x2: left + Self.swatch, y2: middle, stroke: e.color, width: 2.2, dash: e.dash,
          className: "legend-swatch")
      }
      svg.text(label(e), x: left + Self.swatch + 6, y: middle + 4, className: "legend-label", tooltip: e.name)
    }
  }
}
