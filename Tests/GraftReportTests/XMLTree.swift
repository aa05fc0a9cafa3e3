import Foundation

#if canImport(FoundationXML)
  import FoundationXML
#endif

/// A parsed XML document, flattened to its elements in document order (enough to count and inspect
/// what an SVG holds). `parse` returns nil when the text is not well-formed XML.
struct XMLTree {
  struct Element {
    var name: String
    var attributes: [String: String]
    var text: String
  }

  var elements: [Element]

  func all(_ name: String, class className: String? = nil) -> [Element] {
    elements.filter { $0.name == name && (className == nil || $0.attributes["class"] == className) }
  }

  static func parse(_ text: String) -> XMLTree? {
    let parser = XMLParser(data: Data(text.utf8))
    let collector = Collector()
    parser.delegate = collector
    guard parser.parse() else { return nil }
    return XMLTree(elements: collector.elements)
  }

  private final class Collector: NSObject, XMLParserDelegate {
    var elements: [Element] = []
    var open: [Int] = []

    func parser(
      _ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?,
      attributes: [String: String] = [:]
    ) {
      open.append(elements.count)
      elements.append(Element(name: name, attributes: attributes, text: ""))
    }

    func parser(_ parser: XMLParser, didEndElement name: String, namespaceURI: String?, qualifiedName: String?) {
      open.removeLast()
    }

    func parser(_ parser: XMLParser, foundCharacters string: String) {
      if let i = open.last { elements[i].text += string }
    }
  }
}

/// The `<svg>…</svg>` fragments inlined in an HTML page.
func inlineSVGs(_ html: String) -> [String] {
  var out: [String] = []
  var rest = html[...]
  while let start = rest.range(of: "<svg"), let end = rest.range(of: "</svg>", range: start.upperBound..<rest.endIndex)
  {
    out.append(String(rest[start.lowerBound..<end.upperBound]))
    rest = rest[end.upperBound...]
  }
  return out
}

func occurrences(of needle: String, in haystack: String) -> Int {
  haystack.components(separatedBy: needle).count - 1
}
