import Foundation
import GraftIO
import GraftReport
import GraftStatistics

/// The files `graft reproduce` leaves: each experiment's results.md (its section and its claims table),
/// results.json and figures in its directory; after `all`, results.md with every section and
/// report.html with the claims, the figures and the highlighted runs, in the root.
public enum ResultsFiles {
  /// An experiment's section of results.md: its own Markdown, then its claims table.
  public static func section(_ result: ExperimentResult) -> String {
    var claims = MarkdownTable(["claim", "measured (95% intervals, per-seed values)", "seeds, interval", "verdict"])
    for c in result.checks {
      claims.add(c.claim, "\(c.evidence). Rule: \(c.rule).", c.basis, verdictMarkdown(c.verdict))
    }
    return "## \(result.name)\n\n" + result.markdown + "\n" + claims.markdown
  }

  /// Writes results.md, the figures and results.json into `directory`; returns results.md's text.
  @discardableResult
  public static func write(_ result: ExperimentResult, to directory: URL) throws -> String {
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    let md = section(result)
    try Data(md.utf8).write(to: directory.appendingPathComponent("results.md"))
    for (name, svg) in result.figures { try Data(svg.utf8).write(to: directory.appendingPathComponent(name)) }
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
    try encoder.encode(result).write(to: directory.appendingPathComponent("results.json"))
    return md
  }

  /// The combined results.md: every experiment's section (what `write` puts in its directory, links
  /// made relative to the root) under one title.
  public static func combinedMarkdown(_ results: [ExperimentResult], quick: Bool) -> String {
    var md = "# Graft: the paper's experiments on this machine (\(quick ? "quick" : "full") versions)\n\n"
    for r in results {
      // Links in an experiment's results.md are relative to its directory.
      md += section(r).replacingOccurrences(of: "](", with: "](\(r.name)/") + "\n"
    }
    return md
  }

  /// The claims section of report.html: one table of every experiment's claims, then each experiment's
  /// figures and Markdown.
  public static func claimsHTML(_ results: [ExperimentResult]) -> String {
    var html =
      "<section id=\"claims\">\n<h2>The paper's claims, measured</h2>\n<div class=\"scroll\"><table class=\"claims\">\n"
      + "<thead><tr><th>experiment</th><th>claim</th><th>measured (95% intervals, per-seed values)</th>"
      + "<th>seeds, interval</th><th>verdict</th></tr></thead>\n<tbody>\n"
    for r in results {
      for c in r.checks {
        let cells = [
          r.name.xmlEscaped, c.claim.xmlEscaped,
          "\(c.evidence.xmlEscaped)<br><small>Rule: \(c.rule.xmlEscaped)</small>",
          c.basis.xmlEscaped, verdictHTML(c.verdict),
        ]
        html += "<tr>" + cells.map { "<td>\($0)</td>" }.joined() + "</tr>\n"
      }
    }
    html += "</tbody>\n</table></div>\n"
    for r in results {
      html += "<h3>\(r.name.xmlEscaped)</h3>\n"
      for name in r.figures.keys.sorted() { html += "<div class=\"scroll\">\(r.figures[name]!)</div>\n" }
      html += "<pre style=\"white-space: pre-wrap\">\(r.markdown.xmlEscaped)</pre>\n"
    }
    return html + "</section>\n"
  }

  /// Writes the combined results.md and report.html into `root`; returns their URLs.
  public static func writeCombined(_ results: [ExperimentResult], to root: URL, quick: Bool) throws -> (
    markdown: URL, report: URL
  ) {
    let markdown = root.appendingPathComponent("results.md")
    try Data(combinedMarkdown(results, quick: quick).utf8).write(to: markdown)
    let directories = results.flatMap(\.highlightedRuns).map { URL(fileURLWithPath: $0) }
      .filter { FileManager.default.fileExists(atPath: $0.appendingPathComponent("config.json").path) }
    // The claims stand without runs to show (their directories removed, or none highlighted).
    let title = "Graft: the paper's experiments"
    var report =
      directories.isEmpty ? HTMLReport(runs: [], title: title) : try HTMLReport.load(directories, title: title)
    report.leadingSections = [claimsHTML(results)]
    let file = root.appendingPathComponent("report.html")
    try Data(report.render().utf8).write(to: file)
    return (markdown, file)
  }

  /// The verdict word, "not held" in bold (it is the one to look at).
  static func verdictMarkdown(_ verdict: Verdict) -> String {
    verdict == .notHeld ? "**not held**" : verdict.rawValue
  }

  static func verdictHTML(_ verdict: Verdict) -> String {
    verdict == .notHeld ? "<strong>not held</strong>" : verdict.rawValue
  }
}
