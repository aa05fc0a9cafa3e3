import Foundation
import GraftExperiments
import GraftStatistics
import GraftTestSupport
import Testing

/// The results files `graft reproduce` writes, built by the library from experiment results.
struct ResultsFilesTests {
  static func result(_ name: String, verdicts: [Verdict]) -> ExperimentResult {
    ExperimentResult(
      name: name, markdown: "### \(name)\n\nSee [the figure](plot.svg).\n",
      checks: verdicts.enumerated().map { i, v in
        ClaimCheck(
          claim: "claim \(i) of \(name)", evidence: "x: 1.0 [0.5, 1.5]", rule: "held when x > 0", verdict: v, seeds: 10,
          intervalMethod: "Student t", seedsNeeded: v == .inconclusive ? .count(34) : nil)
      }, highlightedRuns: [], figures: ["plot.svg": "<svg xmlns=\"http://www.w3.org/2000/svg\"/>"])
  }

  @Test func anExperimentsSectionEndsWithItsClaimsTable() throws {
    let directory = temporaryDirectory("results")
    let r = Self.result("mog", verdicts: [.held, .notHeld, .inconclusive])
    let md = try ResultsFiles.write(r, to: directory)
    #expect(try String(contentsOf: directory.appendingPathComponent("results.md"), encoding: .utf8) == md)
    #expect(md.hasPrefix("## mog\n\n### mog\n"))
    let lines = md.split(separator: "\n", omittingEmptySubsequences: false)
    let header = try #require(
      lines.firstIndex(of: "| claim | measured (95% intervals, per-seed values) | seeds, interval | verdict |"))
    #expect(lines[header + 1] == "|---|---|---|---|")
    #expect(
      lines[header + 2] == "| claim 0 of mog | x: 1.0 [0.5, 1.5]. Rule: held when x > 0. | n = 10, Student t | held |")
    #expect(lines[header + 3].hasSuffix("| **not held** |"))
    #expect(lines[header + 4].contains("| n = 10, Student t; would need ≈ 34 seeds | inconclusive |"))
    // The figure beside it, and results.json that reads back.
    #expect(FileManager.default.fileExists(atPath: directory.appendingPathComponent("plot.svg").path))
    let json = try Data(contentsOf: directory.appendingPathComponent("results.json"))
    let back = try JSONDecoder().decode(ExperimentResult.self, from: json)
    #expect(back.checks.map(\.verdict) == [.held, .notHeld, .inconclusive] && back.markdown == r.markdown)
  }

  @Test func theCombinedFilesHoldEveryExperimentAndEveryClaim() throws {
    let root = temporaryDirectory("combined")
    let results = [Self.result("mog", verdicts: [.held]), Self.result("theory", verdicts: [.notHeld, .inconclusive])]
    for r in results { try ResultsFiles.write(r, to: root.appendingPathComponent(r.name)) }
    let files = try ResultsFiles.writeCombined(results, to: root, quick: true)
    let md = try String(contentsOf: files.markdown, encoding: .utf8)
    #expect(md.hasPrefix("# Graft: the paper's experiments on this machine (quick versions)\n\n## mog\n"))
    #expect(md.contains("## theory\n"))
    // Links become relative to the root.
    #expect(md.contains("[the figure](mog/plot.svg)") && md.contains("[the figure](theory/plot.svg)"))
    let html = try String(contentsOf: files.report, encoding: .utf8)
    #expect(html.components(separatedBy: "<tr><td>").count - 1 == 3)
    #expect(html.contains("<td>theory</td><td>claim 0 of theory</td>"))
    #expect(html.contains("<td><strong>not held</strong></td>"))
    #expect(html.contains("would need ≈ 34 seeds"))
  }
}
