import Foundation

/// 2-D samples of several generators side by side, one square panel each over the same
/// [−extent, extent]² with labelled axes: real data in grey, generated samples in blue drawn over them,
/// and one legend for all. `render()` gives a self-contained SVG.
///
/// Non-finite points and points off the square (a diverging generator's) are left out, and each
/// panel's subtitle says how many were.
public struct SVGScatterPanels: Sendable {
  public struct Panel: Sendable {
    /// What the panel shows ("Adam"), and lines under it ("8 of 8 modes, 89% high quality").
    public var title: String
    public var subtitles: [String]
    /// Generated points (x, y).
    public var generated: [(Double, Double)]

    public init(title: String, subtitles: [String], generated: [(Double, Double)]) {
      self.title = title
      self.subtitles = subtitles
      self.generated = generated
    }
  }

  public var title: String
  public var panels: [Panel]
  /// Real data points (x, y), drawn under every panel's samples.
  public var real: [(Double, Double)]
  /// Half the side of the square shown.
  public var extent: Double
  /// Side of one panel's plot area, in pixels.
  public var side: Double = 230

  public init(
    title: String, panels: [Panel], real: [(Double, Double)], extent: Double
  ) {
    self.title = title
    self.panels = panels
    self.real = real
    self.extent = extent
  }

  static let realColor = "#9d9590"
  static let generatedColor = "#2f6fb0"

  public func render(standalone: Bool = true) -> String {
    let left = 46.0
    let gap = 34.0
    let lines = panels.map(\.subtitles.count).max() ?? 0
    let top = 56.0 + 16 * Double(lines)
    let bottom = 84.0
    let width = left + Double(panels.count) * (side + gap) + 10
    let height = top + side + bottom
    var svg = SVGWriter()
    svg.text(
      ChartStyle.truncated(title, Int(width / (ChartStyle.titleSize * 0.6))), x: width / 2, y: 22,
      size: ChartStyle.titleSize + 1.5, anchor: .middle, weight: "bold", className: "title", tooltip: title)
    let ticks = AxisTicks.linear(-extent, extent, target: 4).values.filter { abs($0) <= extent }
    for (index, panel) in panels.enumerated() {
      let x0 = left + Double(index) * (side + gap)
      func px(_ x: Double) -> Double { x0 + (x + extent) / (2 * extent) * side }
      func py(_ y: Double) -> Double { top + (extent - y) / (2 * extent) * side }
      svg.text(
        panel.title, x: x0 + side / 2, y: top - 14 - 16 * Double(lines), size: ChartStyle.titleSize, anchor: .middle,
        weight: "bold")
      let shown = panel.generated.filter {
        $0.0.isFinite && $0.1.isFinite && abs($0.0) <= extent && abs($0.1) <= extent
      }
      let off = panel.generated.count - shown.count
      let subtitles = panel.subtitles + (off > 0 ? ["\(off) of \(panel.generated.count) samples off the plot"] : [])
      for (i, line) in subtitles.enumerated() {
        svg.text(
          line, x: x0 + side / 2, y: top - 10 - 16 * Double(lines - 1 - i), anchor: .middle, fill: ChartStyle.mutedText)
      }
      svg.rect(x: x0, y: top, width: side, height: side, fill: "none", stroke: ChartStyle.axisColor)
      for t in ticks {
        svg.line(x1: px(t), y1: top, x2: px(t), y2: top + side, stroke: ChartStyle.gridColor)
        svg.line(x1: x0, y1: py(t), x2: x0 + side, y2: py(t), stroke: ChartStyle.gridColor)
        svg.text(
          SVGWriter.number(t), x: px(t), y: top + side + 14, anchor: .middle, fill: ChartStyle.mutedText,
          className: "tick-label")
        if index == 0 {
          svg.text(
            SVGWriter.number(t), x: x0 - 5, y: py(t) + 4, anchor: .end, fill: ChartStyle.mutedText,
            className: "tick-label")
        }
      }
      svg.text("x₁", x: x0 + side / 2, y: top + side + 30, anchor: .middle)
      if index == 0 { svg.text("x₂", x: x0 - 32, y: top + side / 2, anchor: .middle, rotate: -90) }
      svg.dots(
        real.filter { abs($0.0) <= extent && abs($0.1) <= extent }.map { (px($0.0), py($0.1)) }, color: Self.realColor,
        radius: 3)
      svg.dots(shown.map { (px($0.0), py($0.1)) }, color: Self.generatedColor, radius: 1.5, opacity: 0.8)
    }
    // The legend, centred under the panels.
    let entries = [
      ("real data (the 8 modes of the ring)", Self.realColor), ("generated samples (1,000)", Self.generatedColor),
    ]
    let entryWidth = entries.map { ChartStyle.textWidth($0.0) + 34 }
    var x = (width - entryWidth.reduce(0, +)) / 2
    let y = top + side + 56
    for (entry, w) in zip(entries, entryWidth) {
      svg.dots([(x + 6, y - 4)], color: entry.1, radius: 4)
      svg.text(entry.0, x: x + 16, y: y)
      x += w
    }
    return svg.document(width: width, height: height, label: title, standalone: standalone)
  }
}

extension SVGWriter {
  /// Round dots at `points`, drawn as one path of zero-length round-capped strokes (compact for
  /// thousands of points).
  mutating func dots(_ points: [(Double, Double)], color: String, radius: Double, opacity: Double = 1) {
    guard !points.isEmpty else { return }
    let d = points.map { "M\(Self.number($0.0)) \(Self.number($0.1))h0" }.joined()
    raw(
      "<path d=\"\(d)\" stroke=\"\(color)\" stroke-width=\"\(Self.number(2 * radius))\" stroke-linecap=\"round\""
        + (opacity < 1 ? " stroke-opacity=\"\(opacity)\"" : "") + "/>\n")
  }

}
