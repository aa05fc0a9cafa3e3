import Foundation
import GraftOptimizers
import GraftRun
import GraftStatistics

/// One self-contained HTML page comparing runs: what differs in their configs, a metrics table,
/// charts (inline SVG) and each run's latest samples (PNG as base64 data URIs). It references no
/// URL at all, so it opens offline and can be mailed as a single file.
public struct HTMLReport: Sendable {
  public var title: String
  public var runs: [RunRecord]
  /// When the page says it was made (nil: not said; tests pass nil for stable output).
  public var generated: Date?
  /// Extra `<section>`s (trusted HTML) placed right after the header, e.g. the claims of `graft reproduce all`.
  public var leadingSections: [String] = []

  public init(runs: [RunRecord], title: String = "Graft report", generated: Date? = Date()) {
    self.runs = runs
    self.title = title
    self.generated = generated
  }

  /// Loads `directories` (names from `RunRecord.names`) into a report. Throws `ReportError` naming
  /// the first directory that is not a run.
  public static func load(_ directories: [URL], title: String = "Graft report", generated: Date? = Date()) throws
    -> HTMLReport
  {
    guard !directories.isEmpty else { throw ReportError("no run directories given") }
    let names = RunRecord.names(for: directories)
    let runs = try zip(directories, names).map { try RunRecord.load($0, name: $1) }
    return HTMLReport(runs: runs, title: title, generated: generated)
  }

  public func render() -> String {
    var html = """
      <!DOCTYPE html>
      <html lang="en">
      <head>
      <meta charset="utf-8">
      <meta name="viewport" content="width=device-width, initial-scale=1">
      <title>\(title.xmlEscaped)</title>
      <style>
      \(ReportStyle.css)</style>
      </head>
      <body>
      <main>

      """
    html += header()
    html += leadingSections.joined()
    html += runsSection()
    html += settingsSection()
    let table = ComparisonTable(runs)
    html += metricsSection(table)
    html += seedsSection(table)
    html += resultsSection(table)
    html += curvesSection()
    html += magnitudesSection()
    html += samplesSection()
    html += "</main>\n</body>\n</html>\n"
    return html
  }

  // MARK: Pieces

  private func chip(_ index: Int) -> String {
    "<span class=\"chip\" style=\"background:\(ChartStyle.color(index))\"></span>"
  }

  private func chart(_ svg: String) -> String { "<div class=\"chart\">\n\(svg)</div>\n" }

  private func header() -> String {
    var meta = "\(runs.count) run\(runs.count == 1 ? "" : "s")"
    if let generated {
      let f = DateFormatter()
      f.locale = Locale(identifier: "en_US_POSIX")
      f.timeZone = TimeZone(identifier: "UTC")
      f.dateFormat = "yyyy-MM-dd HH:mm 'UTC'"
      meta += " · generated \(f.string(from: generated))"
    }
    meta += " by <code>graft report</code>"
    return "<header>\n<h1>\(title.xmlEscaped)</h1>\n<p class=\"meta\">\(meta)</p>\n</header>\n"
  }

  private func runsSection() -> String {
    var s = "<section id=\"runs\">\n<h2>Runs</h2>\n<div class=\"scroll\"><table>\n"
    s +=
      "<thead><tr><th>Run</th><th>Optimizers</th><th>Status</th><th class=\"num\">Last step</th><th>Directory</th></tr></thead>\n<tbody>\n"
    for (i, run) in runs.enumerated() {
      let status = run.status?.rawValue ?? "no summary.json (running or stopped)"
      let statusClass = run.status == .finished ? "status-finished" : "status-other"
      var notes = ""
      if run.metrics.skippedLines > 0 {
        let n = run.metrics.skippedLines
        notes = " <span class=\"warn\">(\(n) unreadable metrics line\(n == 1 ? "" : "s") skipped)</span>"
      }
      let last = run.metrics.entries.last.map { String($0.step) } ?? "—"
      s += "<tr><td>\(chip(i))<strong>\(run.name.xmlEscaped)</strong></td><td>\(run.optimizerLabel.xmlEscaped)</td>"
      s += "<td class=\"\(statusClass)\">\(status.xmlEscaped)\(notes)</td><td class=\"num\">\(last)</td>"
      s += "<td class=\"path\">\(run.url.path.xmlEscaped)</td></tr>\n"
    }
    return s + "</tbody>\n</table></div>\n</section>\n"
  }

  private func settingsSection() -> String {
    let diff = ConfigDifferences(runs)
    var s = "<section id=\"settings\">\n<h2>Settings</h2>\n"
    let differing = diff.keys.filter { !ConfigDifferences.alwaysShown.contains($0) }
    s += "<p class=\"note\">The optimizers, and every config key whose value is not the same in all runs"
    s += differing.isEmpty ? " (none: the runs differ in nothing else)." : " (highlighted)."
    s += "</p>\n<div class=\"scroll\"><table class=\"config\">\n<thead><tr><th>key</th>"
    for (i, run) in runs.enumerated() { s += "<th>\(chip(i))\(run.name.xmlEscaped)</th>" }
    s += "</tr></thead>\n<tbody>\n"
    for key in diff.keys {
      let values = diff.values[key] ?? []
      let differs = Set(values).count > 1
      s += "<tr class=\"config-row\"><th class=\"key\">\(key.xmlEscaped)</th>"
      for v in values {
        // A commit hash reads fine in 10 characters; other values are cut at 32 (all in full on hover).
        let shown = key == "gitCommit" && v.count > 10 ? String(v.prefix(10)) : ChartStyle.truncated(v, 32)
        let tooltip = shown == v ? "" : " title=\"\(v.xmlEscaped)\""
        s += "<td class=\"key\(differs ? " differs" : "")\"\(tooltip)>\(shown.xmlEscaped)</td>"
      }
      s += "</tr>\n"
    }
    s += "</tbody>\n</table></div>\n"
    if !diff.shared.isEmpty {
      s += "<p class=\"shared\">Shared by all runs: "
      s += diff.shared.map { "<code>\($0.key.xmlEscaped) = \($0.value.xmlEscaped)</code>" }.joined(separator: " ")
      s += "</p>\n"
    }
    return s + "</section>\n"
  }

  private func metricsSection(_ table: ComparisonTable) -> String {
    var s =
      "<section id=\"metrics\">\n<h2>Metrics</h2>\n<div class=\"scroll\"><table class=\"metrics\">\n<thead><tr><th>Run</th><th>status</th>"
    for c in table.columns { s += "<th class=\"num\">\(c.label.xmlEscaped)</th>" }
    s += "</tr></thead>\n<tbody>\n"
    for (i, name) in table.runNames.enumerated() {
      s +=
        "<tr class=\"run-row\"><td>\(chip(i))<strong>\(name.xmlEscaped)</strong></td><td>\(table.statuses[i].xmlEscaped)</td>"
      for c in table.columns { s += "<td class=\"num\">\(c.text(i).xmlEscaped)</td>" }
      s += "</tr>\n"
    }
    s += "</tbody>\n</table></div>\n"
    s +=
      "<p class=\"note\">Final losses from summary.json (else the last logged step); “(eval)” columns from eval.json "
    s +=
      "(<code>graft evaluate</code>). G/D update ratio (settled): the mean, over the last half of the logged steps, of the mean "
    s += "update norm of G’s layers over that of D’s; ratio variation: its standard deviation there over its mean "
    s += "(small when the players keep a constant relative pace, as the paper observes for Adam).</p>\n"
    return s + "</section>\n"
  }

  /// Where some configuration ran on several seeds: one row per configuration, each metric as
  /// mean ± 95% interval with the per-seed values (n=1 for a configuration run once).
  private func seedsSection(_ table: ComparisonTable) -> String {
    let groups = SeedGroups(runs)
    guard groups.hasRepeats else { return "" }
    let columns = table.columns.filter {
      $0.isResult || [TrainingScalar.discriminatorLoss.key, TrainingScalar.generatorLoss.key].contains($0.key)
    }
    var s =
      "<section id=\"seeds\">\n<h2>Over seeds</h2>\n<div class=\"scroll\"><table class=\"seeds\">\n<thead><tr><th>configuration</th><th>seeds</th>"
    for c in columns { s += "<th class=\"num\">\(c.label.xmlEscaped)</th>" }
    s += "</tr></thead>\n<tbody>\n"
    for group in groups.groups {
      s +=
        "<tr class=\"seed-row\"><td>\(group.label.xmlEscaped)</td><td>\(group.seeds.joined(separator: ", ").xmlEscaped)</td>"
      for c in columns {
        s += "<td class=\"num\">\(groups.statistics(c, group).formatted(digits: c.digits).xmlEscaped)</td>"
      }
      s += "</tr>\n"
    }
    s += "</tbody>\n</table></div>\n"
    s += "<p class=\"note\">Runs whose configs are equal except for the seed (and the git commit) form one row: "
    s += "the mean over the seeds with its 95% interval (± the half-width of the Student-t interval; in brackets "
    s +=
      "the BCa bootstrap interval for bounded metrics such as modes covered and shares), then the per-seed values in the order "
    s += "of the seeds column (runs without the metric left out). One seed gives no interval (n=1): "
    s += "a GAN’s outcome for one seed is a random draw, so compare rows by their intervals.</p>\n"
    return s + "</section>\n"
  }

  private func resultsSection(_ table: ComparisonTable) -> String {
    var charts = [RunPlots.finalLosses(runs).render(standalone: false)]
    for column in table.columns where column.isResult {
      charts.append(RunPlots.bars(column, runs: runs).render(standalone: false))
    }
    return "<section id=\"results\">\n<h2>Results</h2>\n<div class=\"grid3\">\n" + charts.map(chart).joined()
      + "</div>\n</section>\n"
  }

  private func curvesSection() -> String {
    var charts = [
      RunPlots.scalar(.discriminatorLoss, of: runs, title: "Discriminator loss"),
      RunPlots.scalar(.generatorLoss, of: runs, title: "Generator loss"),
    ]
    let evaluated = runs.flatMap(\.metrics.evaluationMeasures).firstOfEachKey()
    for measure in evaluated { charts.append(RunPlots.evaluation(measure, of: runs)) }
    let lrs = [TrainingScalar.generatorLearningRate, .discriminatorLearningRate].filter { scalar in
      runs.contains { Set($0.metrics.series(scalar).map(\.y)).count > 1 }
    }
    for scalar in lrs {
      charts.append(RunPlots.scalar(scalar, of: runs, title: "Learning rate \(scalar.key)", logY: true))
    }
    var s = "<section id=\"curves\">\n<h2>Training curves</h2>\n<div class=\"grid2\">\n"
    s += charts.map { chart($0.render(standalone: false)) }.joined()
    if evaluated.isEmpty {
      s +=
        "<p class=\"note\">No evaluations during training (train with <code>--evaluate-every N</code> to plot metrics over steps).</p>\n"
    }
    return s + "</div>\n</section>\n"
  }

  private func magnitudesSection() -> String {
    var s = "<section id=\"magnitudes\">\n<h2>Update magnitudes</h2>\n"
    s +=
      "<p class=\"note\">The paper’s magnitude figure: the ratio of the generator’s to the discriminator’s update norm. "
    s += "Layers are each player’s weight matrices and convolution kernels in network order (biases and batch-norm "
    s +=
      "scales left out; shapes from the latest checkpoint, or the tensors named weight when there is none), paired by "
    s +=
      "position: layer i of G with layer i of D, up to the shallower network’s depth. The comparison chart divides the "
    s +=
      "mean update norm over G’s layers by the mean over D’s. Dashed line: ratio 1. Per-group norms show every group "
    s += "when there are at most eight, otherwise the layers (evenly thinned to eight).</p>\n"
    s += "<div class=\"grid2\">\n" + chart(RunPlots.magnitudeRatioComparison(runs).render(standalone: false))
    let variation = ComparisonTable.Column(
      key: "updateRatioVariation", label: "How constant the G/D ratio stays: std/mean over the last half",
      values: runs.map { $0.magnitudeRatio.settled()?.variation }, isResult: false, texts: runs.map { _ in nil })
    if variation.values.contains(where: { $0 != nil }) {
      s += chart(RunPlots.bars(variation, runs: runs, width: 600, height: 340).render(standalone: false))
    }
    s += "</div>\n"
    for (i, run) in runs.enumerated() {
      let optimizers =
        run.optimizerLabel == run.name ? "" : " <span class=\"meta\">\(run.optimizerLabel.xmlEscaped)</span>"
      s += "<h3>\(chip(i))\(run.name.xmlEscaped)\(optimizers)</h3>\n"
      guard !run.metrics.entries.isEmpty else {
        s += "<p class=\"empty\">No training lines in metrics.jsonl.</p>\n"
        continue
      }
      let charts = [
        RunPlots.magnitudeRatio(run, width: 400, height: 300),
        RunPlots.groupNorms(run, player: .generator, width: 400, height: 300),
        RunPlots.groupNorms(run, player: .discriminator, width: 400, height: 300),
      ]
      s += "<div class=\"grid3\">\n" + charts.map { chart($0.render(standalone: false)) }.joined() + "</div>\n"
    }
    return s + "</section>\n"
  }

  private func samplesSection() -> String {
    var s = "<section id=\"samples\">\n<h2>Latest samples</h2>\n<div class=\"samples\">\n"
    for (i, run) in runs.enumerated() {
      guard let sample = run.latestSample else {
        s +=
          "<figure><p class=\"empty\">no samples</p><figcaption>\(chip(i))\(run.name.xmlEscaped)</figcaption></figure>\n"
        continue
      }
      var size = ""
      var pixelated = false
      if let (w, h) = PNGSize.of(sample.png), w > 0 {
        let target = 380.0
        let scale = Double(w) >= target ? target / Double(w) : (target / Double(w)).rounded(.down)
        pixelated = scale >= 2
        size = " width=\"\(Int(Double(w) * scale))\" height=\"\(Int(Double(h) * scale))\""
      }
      s +=
        "<figure><img\(pixelated ? " class=\"pixelated\"" : "")\(size) alt=\"samples of \(run.name.xmlEscaped) at step \(sample.step)\""
      s += " src=\"data:image/png;base64,\(sample.png.base64EncodedString())\">"
      s += "<figcaption>\(chip(i))\(run.name.xmlEscaped) · step \(sample.step)</figcaption></figure>\n"
    }
    return s + "</div>\n</section>\n"
  }
}
