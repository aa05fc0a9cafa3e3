import Foundation

/// Accumulates SVG elements as text. Coordinates are written with one decimal; every text and
/// attribute value goes through `xmlEscaped`. Styling is by presentation attributes only (no
/// `<style>` element), so an SVG inlined in an HTML page cannot restyle the page or other charts.
struct SVGWriter {
  private(set) var body = ""

  static func number(_ v: Double) -> String {
    guard v.isFinite else { return "0" }
    let s = String(format: "%.1f", v)
    if s.hasSuffix(".0") { return s == "-0.0" ? "0" : String(s.dropLast(2)) }
    return s
  }

  private static func attributes(_ pairs: KeyValuePairs<String, String>) -> String {
    pairs.filter { !$0.value.isEmpty }.map { " \($0.key)=\"\($0.value.xmlEscaped)\"" }.joined()
  }

  mutating func raw(_ text: String) { body += text }

  mutating func line(
    x1: Double, y1: Double, x2: Double, y2: Double, stroke: String, width: Double = 1, dash: String = "",
    className: String = ""
  ) {
    body += "<line\(Self.attributes(["class": className]))"
    body += " x1=\"\(Self.number(x1))\" y1=\"\(Self.number(y1))\" x2=\"\(Self.number(x2))\" y2=\"\(Self.number(y2))\""
    body += "\(Self.attributes(["stroke": stroke, "stroke-width": Self.number(width), "stroke-dasharray": dash]))/>\n"
  }

  mutating func rect(
    x: Double, y: Double, width: Double, height: Double, fill: String, className: String = "", title: String = "",
    stroke: String = ""
  ) {
    body += "<rect\(Self.attributes(["class": className]))"
    body +=
      " x=\"\(Self.number(x))\" y=\"\(Self.number(y))\" width=\"\(Self.number(max(width, 0)))\" height=\"\(Self.number(max(height, 0)))\""
    body += Self.attributes(["fill": fill, "stroke": stroke])
    body += title.isEmpty ? "/>\n" : "><title>\(title.xmlEscaped)</title></rect>\n"
  }

  mutating func circle(cx: Double, cy: Double, r: Double, fill: String, className: String = "") {
    body +=
      "<circle\(Self.attributes(["class": className])) cx=\"\(Self.number(cx))\" cy=\"\(Self.number(cy))\" r=\"\(Self.number(r))\"\(Self.attributes(["fill": fill]))/>\n"
  }

  /// A polyline made of `segments` (each a run of points), drawn as one `<path>`.
  mutating func path(
    segments: [[(Double, Double)]], stroke: String, width: Double = 1.8, dash: String = "", className: String = "",
    title: String = ""
  ) {
    let d = segments.filter { !$0.isEmpty }.map { segment in
      segment.enumerated().map { i, p in "\(i == 0 ? "M" : "L")\(Self.number(p.0)) \(Self.number(p.1))" }.joined(
        separator: " ")
    }.joined(separator: " ")
    body += "<path\(Self.attributes(["class": className])) d=\"\(d)\" fill=\"none\""
    body += Self.attributes([
      "stroke": stroke, "stroke-width": Self.number(width), "stroke-dasharray": dash,
      "stroke-linejoin": "round", "stroke-linecap": "round",
    ])
    body += title.isEmpty ? "/>\n" : "><title>\(title.xmlEscaped)</title></path>\n"
  }

  enum Anchor: String { case start, middle, end }

  mutating func text(
    _ content: String, x: Double, y: Double, size: Double = ChartStyle.fontSize, anchor: Anchor = .start,
    fill: String = ChartStyle.textColor, weight: String = "", rotate: Double? = nil, className: String = "",
    tooltip: String = ""
  ) {
    body += "<text\(Self.attributes(["class": className])) x=\"\(Self.number(x))\" y=\"\(Self.number(y))\""
    body += " font-size=\"\(Self.number(size))\" text-anchor=\"\(anchor.rawValue)\""
    body += Self.attributes(["fill": fill, "font-weight": weight])
    if let rotate { body += " transform=\"rotate(\(Self.number(rotate)) \(Self.number(x)) \(Self.number(y)))\"" }
    body += ">\(content.xmlEscaped)"
    if !tooltip.isEmpty && tooltip != content { body += "<title>\(tooltip.xmlEscaped)</title>" }
    body += "</text>\n"
  }

  /// The document: `standalone` adds the XML namespace a lone .svg file needs (an SVG inlined in
  /// HTML gets its namespace from the HTML parser, and a page without URLs stays self-contained).
  func document(width: Double, height: Double, label: String, standalone: Bool) -> String {
    let namespace = standalone ? " xmlns=\"http://www.w3.org/2000/svg\"" : ""
    return "<svg\(namespace) width=\"\(Self.number(width))\" height=\"\(Self.number(height))\""
      + " viewBox=\"0 0 \(Self.number(width)) \(Self.number(height))\" role=\"img\""
      + " aria-label=\"\(label.xmlEscaped)\" font-family=\"\(ChartStyle.fontFamily)\">\n"
      + "<rect x=\"0\" y=\"0\" width=\"\(Self.number(width))\" height=\"\(Self.number(height))\" fill=\"\(ChartStyle.background)\"/>\n"
      + body + "</svg>\n"
  }
}
