import ArgumentParser
import Foundation
import GraftIO
import GraftReport

/// `graft report RUN_DIR...`: one self-contained HTML page comparing runs (settings that differ,
/// metrics, curves, the paper's G/D update-magnitude figure, latest samples).
struct ReportCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "report",
    abstract: "Compare runs in one self-contained HTML page (tables, SVG charts, embedded samples).",
    discussion:
      "Example: graft report runs/sweep/* --out sweep.html. The page references no file or URL: open it anywhere, offline."
  )

  @Argument(help: "Run directories (written by `graft train`).") var runDirectories: [String]
  @Option(help: "Write the page here.") var out: String = "report.html"
  @Option(help: "The page's title.") var title: String = "Graft report"

  func run() throws {
    let report = try HTMLReport.load(runDirectories.map { URL(fileURLWithPath: $0) }, title: title)
    let page = report.render()
    let file = URL(fileURLWithPath: out)
    try AtomicFile.write(Data(page.utf8), to: file)
    print(
      "graft: wrote a report of \(report.runs.count) run\(report.runs.count == 1 ? "" : "s") to \(file.path) (\(page.utf8.count / 1024) KiB)"
    )
  }
}
