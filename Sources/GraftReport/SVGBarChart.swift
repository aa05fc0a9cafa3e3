/// A grouped bar chart: one group of bars per category (e.g. a run), one bar per series (e.g. a
/// metric), with the value written above each bar. Bars start at zero; a non-finite value leaves its
/// slot empty with "n/a". Each bar is a `<rect class="bar">`.
public struct SVGBarChart: Sendable {
  public struct Series: Sendable {
    public var name: String
    /// One value per category.
    public var values: [Double]
    public var color: String?
    public init(_ name: String, values: [Double], color: String? = nil) {
      self.name = name
      self.values = values
      self.color = color
    }
  }

  public var title: String
  public var yLabel: String
  public var categories: [String]
  public var series: [Series]
  public var width: Double
  public var height: Double
  /// Defaults to showing a legend only when there is more than one series.
  public var showsLegend: Bool?
  public var showsValues: Bool
  /// Colours per category, for a single-series chart whose categories are runs (so a run keeps its
  /// colour across a report); ignored with several series.
  public var categoryColors: [String]?

  public init(
    title: String, yLabel: String = "", categories: [String], series: [Series], width: Double = 600,
    height: Double = 320, showsLegend: Bool? = nil, showsValues: Bool = true, categoryColors: [String]? = nil
  ) {
    self.categoryColors = categoryColors
    self.title = title
    self.yLabel = yLabel
    self.categories = categories
    self.series = series
    self.width = width
    self.height = height
    self.showsLegend = showsLegend
    self.showsValues = showsValues
  }

  func color(_ index: Int) -> String { series[index].color ?? ChartStyle.color(index) }

  func color(series s: Int, category c: Int) -> String {
    if series.count == 1, let colors = categoryColors, c < colors.count { return colors[c] }
    return color(s)
  }

  func value(_ s: Int, _ c: Int) -> Double { c < series[s].values.count ? series[s].values[c] : .nan }

  public func render(standalone: Bool = true) -> String {
    let values = series.flatMap(\.values).filter(\.isFinite)
    let yTicks = AxisTicks.linear(min(values.min() ?? 0, 0), max(values.max() ?? 1, 0), target: 5)
    let yLabels = yTicks.values.map { NumberFormatting.tick($0, step: yTicks.step) }

    var legend = ChartLegend(
      entries: series.indices.map { ChartLegend.Entry(name: series[$0].name, color: color($0), box: true) })
    if !(showsLegend ?? (series.count > 1)) { legend.entries = [] }
    let titleHeight = title.isEmpty ? 8.0 : 30.0
    let left = 12 + (yLabel.isEmpty ? 0 : 16) + (yLabels.map { ChartStyle.textWidth($0) }.max() ?? 0) + 6
    let legendWidth = legend.width(height: height - titleHeight - 40)
    let plotRight = width - (legendWidth > 0 ? legendWidth + 10 : 12)
    let groupWidth = (plotRight - left) / Double(max(categories.count, 1))
    // Category names: horizontal when they fit under their group, slanted otherwise.
    let labelCharacters = 28
    let names = categories.map { ChartStyle.truncated($0, labelCharacters) }
    let widest = names.map { ChartStyle.textWidth($0) }.max() ?? 0
    let slanted = widest > groupWidth - 6
    let bottom = slanted ? min(widest * 0.6 + 22, height * 0.4) : 26
    let plotTop = titleHeight + (showsValues ? 10 : 0)
    let plotBottom = height - bottom
    let y = AxisScale(yTicks, pixels: (plotBottom, plotTop))

    var svg = SVGWriter()
    svg.titleAndHorizontalGrid(
      title: title, width: width, ticks: zip(yTicks.values, yLabels).map { (y($0), $1) }, left: left, right: plotRight)
    if !yLabel.isEmpty {
      svg.text(yLabel, x: 14, y: (plotTop + plotBottom) / 2, anchor: .middle, rotate: -90, className: "axis-label")
    }
    let inner = groupWidth * 0.78
    let barWidth = inner / Double(max(series.count, 1))
    let zero = y(0)
    for c in categories.indices {
      let groupLeft = left + Double(c) * groupWidth + (groupWidth - inner) / 2
      for s in series.indices {
        let v = value(s, c)
        let barLeft = groupLeft + Double(s) * barWidth
        let middle = barLeft + barWidth / 2
        guard v.isFinite else {
          svg.text(
            "n/a", x: middle, y: zero - 4, size: 10, anchor: .middle, fill: ChartStyle.mutedText,
            className: "value-label")
          continue
        }
        let top = min(y(v), zero)
        let label = NumberFormatting.metric(v)
        svg.rect(
          x: barLeft + 1, y: top, width: barWidth - 2, height: abs(y(v) - zero), fill: color(series: s, category: c),
          className: "bar",
          title: "\(categories[c]) · \(series[s].name): \(label)")
        if showsValues {
          let size = min(10.5, max(7, barWidth / Double(max(label.count, 1)) * 1.6))
          svg.text(
            label, x: middle, y: v >= 0 ? y(v) - 4 : y(v) + size + 2, size: size, anchor: .middle,
            className: "value-label")
        }
      }
      let center = left + (Double(c) + 0.5) * groupWidth
      if slanted {
        svg.text(
          names[c], x: center + 4, y: plotBottom + 14, anchor: .end, rotate: -30, className: "category-label",
          tooltip: categories[c])
      } else {
        svg.text(
          names[c], x: center, y: plotBottom + 17, anchor: .middle, className: "category-label", tooltip: categories[c])
      }
    }
    svg.line(x1: left, y1: zero, x2: plotRight, y2: zero, stroke: ChartStyle.axisColor)
    svg.line(x1: left, y1: plotTop, x2: left, y2: plotBottom, stroke: ChartStyle.axisColor)
    if categories.isEmpty || values.isEmpty {
      svg.text(
        "no data", x: (left + plotRight) / 2, y: (plotTop + plotBottom) / 2, size: 14, anchor: .middle,
        fill: ChartStyle.mutedText, className: "empty-note")
    }
    legend.draw(into: &svg, x: plotRight + 14, y: plotTop, height: plotBottom - plotTop)
    return svg.document(width: width, height: height, label: title, standalone: standalone)
  }
}
