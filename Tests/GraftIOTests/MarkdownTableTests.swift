import GraftIO
import Testing

struct MarkdownTableTests {
  @Test func headerRuleAndRows() {
    var table = MarkdownTable(["optimizer", "modes"])
    table.add("adam", "7.7 [6.2, 9.1]")
    table.add(["sgda", ""])
    #expect(table.markdown == "| optimizer | modes |\n|---|---|\n| adam | 7.7 [6.2, 9.1] |\n| sgda |  |\n")
    #expect(table.rows.count == 2)
  }

  @Test func aHeaderAloneIsATableWithNoRows() {
    #expect(MarkdownTable(["a", "b", "c"]).markdown == "| a | b | c |\n|---|---|---|\n")
  }

  /// A `|` in a cell would end the cell early and shift every column after it.
  @Test func aBarInACellIsEscaped() {
    var table = MarkdownTable(["claim", "verdict"])
    table.add("|x| < 1", "held")
    #expect(table.markdown.hasSuffix("| \\|x\\| < 1 | held |\n"))
  }
}
