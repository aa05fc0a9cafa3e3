import Foundation
import GraftReport
import Testing

@Suite struct SVGPlotTests {
  func parsed(_ svg: String) throws -> XMLTree {
    try #require(XMLTree.parse(svg), "not well-formed XML:\n\(svg)")
  }

  @Test func seriesAndTicksAreDrawn() throws {
    let plot = SVGPlot(
      title: "Losses", xLabel: "step", yLabel: "loss",
      series: [
        .init("loss_d", x: [0, 50, 97], y: [1.2, 0.9, 0.7]),
        .init("loss_g", x: [0, 50, 97], y: [0.7, 1.0, 1.4]),
        .init("empty", points: []),
      ])
    let tree = try parsed(plot.render())
    #expect(tree.elements.first?.name == "svg")
    #expect(tree.elements.first?.attributes["xmlns"] == "http://www.w3.org/2000/svg")
    #expect(tree.all("path", class: "series").count == 2)
    // x: 0...97 → 0, 20, ..., 100; y: 0.7...1.4 with nice ticks.
    let xTicks = AxisTicks.linear(0, 97, target: max(Int(600.0 / 110), 3))
    let yTicks = AxisTicks.linear(0.7, 1.4, target: max(Int((340.0 - 24 - 18 - 30) / 55), 3))
    let labels = tree.all("text", class: "tick-label").map(\.text)
    #expect(labels.count == xTicks.values.count + yTicks.values.count)
    #expect(Array(labels.suffix(xTicks.values.count)) == ["0", "20", "40", "60", "80", "100"])
    let legend = tree.all("text", class: "legend-label").map(\.text)
    #expect(legend == ["loss_d", "loss_g", "empty (no data)"])
    #expect(tree.all("text", class: "title").map(\.text) == ["Losses"])
    #expect(tree.all("text", class: "axis-label").map(\.text) == ["step", "loss"])
  }

  @Test func nonFinitePointsAreSkipped() throws {
    let plot = SVGPlot(
      title: "gaps",
      series: [.init("a", x: [1, 2, 3, 4, 5], y: [1, 2, .nan, 4, .infinity]), .init("b", x: [.nan], y: [1])])
    let tree = try parsed(plot.render())
    let paths = tree.all("path", class: "series")
    #expect(paths.count == 1)
    let d = try #require(paths.first?.attributes["d"])
    // Three drawable points, in two runs: M L, then M (a lone point, also drawn as a marker).
    #expect(d.filter { $0 == "M" }.count == 2)
    #expect(d.filter { $0 == "L" }.count == 1)
    #expect(!d.contains("nan") && !d.contains("inf"))
    #expect(tree.all("circle", class: "marker").count == 1)
    #expect(tree.all("text", class: "legend-label").map(\.text) == ["a", "b (no data)"])
  }

  @Test func logScaleSkipsNonPositiveValues() throws {
    let plot = SVGPlot(title: "norms", series: [.init("w", x: [0, 1, 2, 3], y: [0.001, 0, -1, 10])], logY: true)
    let tree = try parsed(plot.render())
    let d = try #require(tree.all("path", class: "series").first?.attributes["d"])
    #expect(d.filter { $0 == "M" }.count == 2)
    let labels = tree.all("text", class: "tick-label").map(\.text)
    for power in ["0.001", "0.01", "0.1", "1", "10"] { #expect(labels.contains(power)) }
  }

  @Test func textIsEscaped() throws {
    let name = "lr < 1e-3 & β1=\"0.5\" <script>'x'</script>\u{1}"
    let plot = SVGPlot(title: name, xLabel: "a&b", yLabel: "<y>", series: [.init(name, x: [0, 1], y: [0, 1])])
    let svg = plot.render()
    #expect(!svg.contains("<script>"))
    let tree = try parsed(svg)
    let cleaned = name.replacingOccurrences(of: "\u{1}", with: "")
    #expect(tree.all("text", class: "title").first?.text == cleaned)
    #expect(tree.all("text", class: "legend-label").first?.text.hasPrefix("lr < 1e-3 & β1=") == true)
    #expect(tree.all("title").contains { $0.text == cleaned })
    #expect(tree.all("text", class: "axis-label").map(\.text) == ["a&b", "<y>"])
    #expect(tree.all("svg").first?.attributes["aria-label"] == cleaned)
  }

  @Test func emptyPlotSaysSo() throws {
    let tree = try parsed(SVGPlot(title: "nothing", series: []).render(standalone: false))
    #expect(tree.all("text", class: "empty-note").count == 1)
    #expect(tree.all("path", class: "series").isEmpty)
    #expect(tree.elements.first?.attributes["xmlns"] == nil)
  }
}

@Suite struct SVGBarChartTests {
  @Test func groupedBars() throws {
    let chart = SVGBarChart(
      title: "Modes <covered>", categories: ["adam", "sgda", "ada-nsgda"],
      series: [.init("modes", values: [8, 1, 7]), .init("high-quality %", values: [80, .nan, 75])])
    let tree = try #require(XMLTree.parse(chart.render()))
    #expect(tree.all("rect", class: "bar").count == 5)
    #expect(tree.all("text", class: "category-label").map(\.text) == ["adam", "sgda", "ada-nsgda"])
    let values = tree.all("text", class: "value-label").map(\.text)
    #expect(values == ["8", "80", "1", "n/a", "7", "75"])
    #expect(tree.all("text", class: "legend-label").map(\.text) == ["modes", "high-quality %"])
    #expect(tree.all("text", class: "title").first?.text == "Modes <covered>")
    // y ticks from 0 past the largest value.
    let ticks = tree.all("text", class: "tick-label").map(\.text)
    #expect(ticks.first == "0" && ticks.last == "80")
  }

  @Test func barsGrowFromZeroAndTallerMeansLarger() throws {
    let chart = SVGBarChart(title: "FID", categories: ["a", "b"], series: [.init("FID", values: [10, 40])])
    let tree = try #require(XMLTree.parse(chart.render()))
    let heights = tree.all("rect", class: "bar").compactMap { $0.attributes["height"].flatMap(Double.init) }
    #expect(heights.count == 2)
    #expect(abs(heights[1] / heights[0] - 4) < 0.05)
    #expect(tree.all("text", class: "legend-label").isEmpty)  // one series: no legend
  }

  @Test func singleSeriesBarsTakeCategoryColors() throws {
    let chart = SVGBarChart(
      title: "x", categories: ["a", "b"], series: [.init("x", values: [1, 2])], categoryColors: ["#111111", "#222222"])
    let tree = try #require(XMLTree.parse(chart.render()))
    #expect(tree.all("rect", class: "bar").map { $0.attributes["fill"] } == ["#111111", "#222222"])
  }

  @Test func longCategoryNamesAreSlantedAndStillParse() throws {
    let names = (0..<6).map { "ring8-adam-lr0.001-seed\($0)-with-a-long-suffix" }
    let chart = SVGBarChart(
      title: "t", categories: names, series: [.init("v", values: [1, 2, 3, 4, 5, 6])], width: 420)
    let tree = try #require(XMLTree.parse(chart.render()))
    let labels = tree.all("text", class: "category-label")
    #expect(labels.count == 6)
    #expect(labels.allSatisfy { $0.attributes["transform"]?.hasPrefix("rotate(-30") == true })
  }
}

@Suite struct SVGScatterPanelsTests {
  /// Each panel has its title and lines, tick labels on both axes, the data under the samples, one
  /// legend; points off the square (or NaN) are left out and counted in the panel's text.
  @Test func panelsExplainThemselves() throws {
    let panels = SVGScatterPanels(
      title: "Samples <seed 0>",
      panels: [
        .init(title: "Adam", subtitles: ["magnitude: Adam", "8 of 8 modes"], generated: [(0, 0), (1, 1)]),
        .init(title: "SGDA", subtitles: ["magnitude: SGD", "1 of 8 modes"], generated: [(0, 0), (50, 0), (.nan, 1)]),
      ],
      real: [(2, 0), (0, 2)], extent: 3)
    let tree = try #require(XMLTree.parse(panels.render()), "not well-formed XML")
    let texts = tree.all("text").map(\.text)
    #expect(tree.all("text", class: "title").map(\.text) == ["Samples <seed 0>"])
    for line in ["Adam", "SGDA", "magnitude: Adam", "8 of 8 modes", "magnitude: SGD", "2 of 3 samples off the plot"] {
      #expect(texts.contains(line), "\(line)")
    }
    #expect(texts.contains("x₁") && texts.contains("x₂"))
    #expect(texts.contains { $0.hasPrefix("real data") } && texts.contains { $0.hasPrefix("generated samples") })
    // Ticks −2, 0, 2 under both panels, and on the first panel's y axis.
    #expect(tree.all("text", class: "tick-label").map(\.text) == ["-2", "-2", "0", "0", "2", "2", "-2", "0", "2"])
    // Per panel one path of real points and one of generated ones (2 and 1 dots), plus the legend's two.
    let dots = tree.all("path").compactMap(\.attributes["d"]).filter { $0.hasSuffix("h0") }
    #expect(dots.map { $0.components(separatedBy: "h0").count - 1 } == [2, 2, 2, 1, 1, 1])
  }
}
