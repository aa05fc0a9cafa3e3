import Foundation

/// A Markdown table built row by row: a header, then rows of cells, each row `| a | b |` on its own line.
/// Cells are text as Markdown reads it; a `|` inside a cell is escaped so that it cannot split the row.
public struct MarkdownTable: Sendable, Equatable {
  public var header: [String]
  public private(set) var rows: [[String]] = []

  public init(_ header: [String]) {
    precondition(!header.isEmpty, "a table needs at least one column")
    self.header = header
  }

  /// Appends a row of exactly one cell per column.
  public mutating func add(_ cells: [String]) {
    precondition(cells.count == header.count, "a row of \(cells.count) cells in a table of \(header.count) columns")
    rows.append(cells)
  }

  /// Appends a row of exactly one cell per column.
  public mutating func add(_ cells: String...) { add(cells) }

  /// The header, the `|---|` rule and the rows, each line ending in a newline.
  public var markdown: String {
    func line(_ cells: [String]) -> String {
      "| " + cells.map { $0.replacingOccurrences(of: "|", with: "\\|") }.joined(separator: " | ") + " |\n"
    }
    return line(header) + "|" + String(repeating: "---|", count: header.count) + "\n" + rows.map(line).joined()
  }
}
