import Foundation

/// A grid of coloured cells with their values written in them (e.g. modes recovered for each pair of
/// learning rates), as a self-contained SVG.
public struct SVGHeatMap: Sendable {
  public var title: String
  /// Labels of the rows, top to bottom, and what they are (e.g. "η_G").
  public var rowLabels: [String]
  public var rowTitle: String
  /// Labels of the columns, left to right, and what they are (e.g. "η_D").
  public var columnLabels: [String]
  public var columnTitle: String
  /// values[row][column]; nil draws a hatched grey cell (no value, e.g. every run diverged).
  public var values: [[Double?]]
  /// Text under the value in each cell (e.g. "†2" for two diverged runs); empty for none.
  public var notes: [[String]]
  /// The value drawn palest and the value drawn darkest.
  public var range: ClosedRange<Double>
  /// What the colour means, under the grid.
  public var caption: String

  public init(
    title: String, rowLabels: [String], rowTitle: String, columnLabels: [String], columnTitle: String,
    values: [[Double?]], notes: [[String]]? = nil, range: ClosedRange<Double>, caption: String = ""
  ) {
    precondition(
      values.count == rowLabels.count, "SVGHeatMap: \(values.count) rows of values, \(rowLabels.count) labels")
    precondition(
      values.allSatisfy { $0.count == columnLabels.count },
      "SVGHeatMap: every row needs \(columnLabels.count) values")
    self.title = title
    self.rowLabels = rowLabels
    self.rowTitle = rowTitle
    self.columnLabels = columnLabels
    self.columnTitle = columnTitle
    self.values = values
    self.notes = notes ?? values.map { $0.map { _ in "" } }
    self.range = range
    self.caption = caption
  }

  /// The colour of `value`: from near-white (range start) to dark blue (range end).
  public func color(_ value: Double) -> String {
    let span = range.upperBound - range.lowerBound
    let t = span > 0 ? min(max((value - range.lowerBound) / span, 0), 1) : 1
    // Interpolated in RGB between #f7fbff and #08306b (the ends of a sequential blue scale).
    let (r0, g0, b0) = (247.0, 251.0, 255.0)
    let (r1, g1, b1) = (8.0, 48.0, 107.0)
    func mix(_ a: Double, _ b: Double) -> Int { Int((a + (b - a) * t).rounded()) }
    return String(format: "#%02x%02x%02x", mix(r0, r1), mix(g0, g1), mix(b0, b1))
  }

  /// The SVG document; `standalone` adds the namespace a lone .svg file needs.
  public func render(standalone: Bool = true) -> String {
    let cell = 62.0
    let left = 70.0 + ChartStyle.textWidth(rowLabels.max { $0.count < $1.count } ?? "")
    let top = 58.0
    let gridRight = left + cell * Double(columnLabels.count) + 24
    let width = max(
      gridRight, ChartStyle.textWidth(title, size: ChartStyle.titleSize) + 24,
      ChartStyle.textWidth(caption, size: 10) + 32)
    let height = top + cell * Double(rowLabels.count) + (caption.isEmpty ? 64 : 82)
    var svg = SVGWriter()
    svg.text(title, x: width / 2, y: 20, size: ChartStyle.titleSize, anchor: .middle, weight: "bold")
    svg.text(columnTitle, x: left + cell * Double(columnLabels.count) / 2, y: 38, anchor: .middle)
    for (j, label) in columnLabels.enumerated() {
      svg.text(label, x: left + cell * (Double(j) + 0.5), y: top - 6, anchor: .middle, fill: ChartStyle.mutedText)
    }
    svg.text(
      rowTitle, x: 16, y: top + cell * Double(rowLabels.count) / 2, anchor: .middle,
      rotate: -90)
    for (i, label) in rowLabels.enumerated() {
      svg.text(label, x: left - 8, y: top + cell * (Double(i) + 0.5) + 4, anchor: .end, fill: ChartStyle.mutedText)
      for j in columnLabels.indices {
        let (x, y) = (left + cell * Double(j), top + cell * Double(i))
        guard let v = values[i][j], v.isFinite else {
          svg.rect(x: x, y: y, width: cell, height: cell, fill: "#d9d9d9", title: "no value", stroke: "#ffffff")
          svg.text("–", x: x + cell / 2, y: y + cell / 2 + 4, anchor: .middle, fill: ChartStyle.mutedText)
          continue
        }
        let fill = color(v)
        let t = (v - range.lowerBound) / max(range.upperBound - range.lowerBound, 1e-12)
        let ink = t > 0.55 ? "#ffffff" : ChartStyle.textColor
        svg.rect(
          x: x, y: y, width: cell, height: cell, fill: fill,
          title: "\(rowTitle) \(rowLabels[i]), \(columnTitle) \(columnLabels[j]): \(String(format: "%.2f", v))",
          stroke: "#ffffff")
        svg.text(
          String(format: "%.1f", v), x: x + cell / 2, y: y + cell / 2 + 2, anchor: .middle, fill: ink, weight: "bold")
        if !notes[i][j].isEmpty {
          svg.text(notes[i][j], x: x + cell / 2, y: y + cell / 2 + 16, size: 9.5, anchor: .middle, fill: ink)
        }
      }
    }
    // Colour key: five swatches across the range.
    let keyY = top + cell * Double(rowLabels.count) + 16
    for k in 0..<5 {
      let v = range.lowerBound + (range.upperBound - range.lowerBound) * Double(k) / 4
      svg.rect(x: left + Double(k) * 34, y: keyY, width: 34, height: 12, fill: color(v), stroke: "#ffffff")
      svg.text(
        String(format: "%g", v), x: left + Double(k) * 34 + 17, y: keyY + 24, size: 9.5, anchor: .middle,
        fill: ChartStyle.mutedText)
    }
    if !caption.isEmpty { svg.text(caption, x: 16, y: keyY + 46, size: 10, fill: ChartStyle.mutedText) }
    return svg.document(width: width, height: height, label: title, standalone: standalone)
  }
}
