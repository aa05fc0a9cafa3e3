/// A line chart: several named series over a shared x axis, with nice ticks, an optional log-scaled
/// y axis, a legend, a title and axis labels. `render()` gives a self-contained SVG document.
///
/// Points with a non-finite coordinate (or y ≤ 0 on a log axis) are skipped and break the line there;
/// a series without any drawable point keeps its legend entry, marked "(no data)". Each drawn series
/// is one `<path class="series">`; tick labels carry `class="tick-label"`. The legend sits right of
/// the plot, or under it (making the SVG taller than `height`) when it would take over 45% of
/// the width.
public struct SVGPlot: Sendable {
  public struct Point: Equatable, Sendable {
    public var x: Double
    public var y: Double
    public init(_ x: Double, _ y: Double) {
      self.x = x
      self.y = y
    }
  }

  public struct Series: Sendable {
    public var name: String
    public var points: [Point]
    /// A CSS colour; nil takes the palette's next one.
    public var color: String?
    /// A dash pattern (`stroke-dasharray`); nil picks one when the palette repeats.
    public var dash: String?
    /// Dots at the points (for sparse series, e.g. evaluations every few thousand steps).
    public var markers: Bool

    public init(_ name: String, points: [Point], color: String? = nil, dash: String? = nil, markers: Bool = false) {
      self.name = name
      self.points = points
      self.color = color
      self.dash = dash
      self.markers = markers
    }

    public init(
      _ name: String, x: [Double], y: [Double], color: String? = nil, dash: String? = nil, markers: Bool = false
    ) {
      self.init(name, points: zip(x, y).map { Point($0, $1) }, color: color, dash: dash, markers: markers)
    }
  }

  public var title: String
  public var xLabel: String
  public var yLabel: String
  public var series: [Series]
  public var logY: Bool
  public var width: Double
  public var height: Double
  public var showsLegend: Bool
  /// Optional horizontal reference line (e.g. a ratio of 1).
  public var referenceY: Double?

  public init(
    title: String, xLabel: String = "", yLabel: String = "", series: [Series], logY: Bool = false,
    width: Double = 600, height: Double = 340, showsLegend: Bool = true, referenceY: Double? = nil
  ) {
    self.title = title
    self.xLabel = xLabel
    self.yLabel = yLabel
    self.series = series
    self.logY = logY
    self.width = width
    self.height = height
    self.showsLegend = showsLegend
    self.referenceY = referenceY
  }

  func style(_ index: Int) -> (color: String, dash: String) {
    (series[index].color ?? ChartStyle.color(index), series[index].dash ?? ChartStyle.dash(index))
  }

  /// The drawable points of a series, split into runs at the points that cannot be drawn.
  func segments(_ s: Series) -> [[Point]] {
    var out: [[Point]] = [[]]
    for p in s.points {
      if p.x.isFinite && p.y.isFinite && (!logY || p.y > 0) {
        out[out.count - 1].append(p)
      } else if !out[out.count - 1].isEmpty {
        out.append([])
      }
    }
    return out.filter { !$0.isEmpty }
  }

  public func render(standalone: Bool = true) -> String {
    let drawable = series.map(segments)
    let all = drawable.flatMap { $0.flatMap { $0 } }
    let empty = all.isEmpty
    let xs = all.map(\.x)
    var ys = all.map(\.y)
    if let r = referenceY, !empty, r.isFinite, !logY || r > 0 { ys.append(r) }

    var legend = ChartLegend(
      entries: series.indices.map { i in
        ChartLegend.Entry(
          name: series[i].name, color: style(i).color, dash: style(i).dash,
          note: drawable[i].isEmpty ? " (no data)" : "")
      })
    if !showsLegend { legend.entries = [] }
    // A legend that would take over 45% of the width goes under the plot, and the SVG grows.
    let legendBelow = legend.width(height: height - 80) > width * 0.45
    let legendRows = legendBelow ? legend.rowsBelow(width: width - 24) : 0
    let totalHeight = height + (legendRows > 0 ? Double(legendRows) * ChartLegend.rowHeight + 8 : 0)

    let titleHeight = title.isEmpty ? 8.0 : 30.0
    let bottom = 24.0 + (xLabel.isEmpty ? 0 : 18)
    let plotTop = titleHeight
    let plotBottom = height - bottom
    let xTicks = AxisTicks.linear(xs.min() ?? 0, xs.max() ?? 1, target: max(Int(width / 110), 3))
    let yTicks =
      logY
      ? AxisTicks.logarithmic(ys.min() ?? 1, ys.max() ?? 10)
      : AxisTicks.linear(ys.min() ?? 0, ys.max() ?? 1, target: max(Int((plotBottom - plotTop) / 55), 3))
    let yLabels = yTicks.values.map {
      logY ? NumberFormatting.logTick($0) : NumberFormatting.tick($0, step: yTicks.step)
    }
    let xLabels = xTicks.values.map { NumberFormatting.tick($0, step: xTicks.step) }

    let legendWidth = legendBelow ? 0 : legend.width(height: plotBottom - plotTop)
    let left = 12 + (yLabel.isEmpty ? 0 : 16) + (yLabels.map { ChartStyle.textWidth($0) }.max() ?? 0) + 6
    let plotRight = width - max(legendWidth + 10, ChartStyle.textWidth(xLabels.last ?? "") / 2 + 8)
    let x = AxisScale(xTicks, pixels: (left, plotRight))
    let y = AxisScale(yTicks, pixels: (plotBottom, plotTop), logarithmic: logY)

    var svg = SVGWriter()
    svg.titleAndHorizontalGrid(
      title: title, width: width, ticks: zip(yTicks.values, yLabels).map { (y($0), $1) }, left: left, right: plotRight)
    for (v, label) in zip(xTicks.values, xLabels) {
      svg.line(x1: x(v), y1: plotBottom, x2: x(v), y2: plotBottom + 4, stroke: ChartStyle.axisColor)
      svg.text(label, x: x(v), y: plotBottom + 16, anchor: .middle, fill: ChartStyle.mutedText, className: "tick-label")
    }
    svg.line(x1: left, y1: plotBottom, x2: plotRight, y2: plotBottom, stroke: ChartStyle.axisColor)
    svg.line(x1: left, y1: plotTop, x2: left, y2: plotBottom, stroke: ChartStyle.axisColor)
    if let r = referenceY, !empty, y.accepts(r) {
      svg.line(
        x1: left, y1: y(r), x2: plotRight, y2: y(r), stroke: "#999999", width: 1, dash: "4 4", className: "reference")
    }
    if !xLabel.isEmpty {
      svg.text(xLabel, x: (left + plotRight) / 2, y: height - 6, anchor: .middle, className: "axis-label")
    }
    if !yLabel.isEmpty {
      svg.text(yLabel, x: 14, y: (plotTop + plotBottom) / 2, anchor: .middle, rotate: -90, className: "axis-label")
    }
    if empty {
      svg.text(
        "no data", x: (left + plotRight) / 2, y: (plotTop + plotBottom) / 2, size: 14, anchor: .middle,
        fill: ChartStyle.mutedText, className: "empty-note")
    }
    // Series, in order (later ones on top).
    for (i, segments) in drawable.enumerated() where !segments.isEmpty {
      let (color, dash) = style(i)
      svg.path(
        segments: segments.map { $0.map { (x($0.x), y($0.y)) } }, stroke: color, dash: dash,
        className: "series", title: series[i].name)
      for segment in segments where series[i].markers || segment.count == 1 {
        for p in segment { svg.circle(cx: x(p.x), cy: y(p.y), r: 2.8, fill: color, className: "marker") }
      }
    }
    if legendBelow {
      legend.draw(into: &svg, x: 12, y: height + 2, height: 0, below: width - 24)
    } else {
      legend.draw(into: &svg, x: plotRight + 14, y: plotTop, height: plotBottom - plotTop)
    }
    return svg.document(width: width, height: totalHeight, label: title, standalone: standalone)
  }
}
