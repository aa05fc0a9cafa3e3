import Foundation
import GraftRun
import GraftReport
import GraftStatistics
import GraftTestSupport
import Testing

/// Three seeds of Adam, one of SGDA: the report groups the Adam runs into one row over seeds.
@Suite struct SeedGroupsTests {
  func runs() throws -> (root: URL, dirs: [URL]) {
    let root = temporaryDirectory("seeds")
    var dirs: [URL] = []
    // Adam covers 7, 5, 8 modes on seeds 0, 1, 2 (the commit differs too: not a config difference).
    for (seed, modes) in [(0, 7), (1, 5), (2, 8)] {
      let dir = root.appendingPathComponent("adam-seed\(seed)")
      try FakeRuns.write(dir, optimizer: "adam", lr: 0.001, modes: modes, eval: nil, seed: seed)
      dirs.append(dir)
    }
    let sgda = root.appendingPathComponent("sgda-seed0")
    try FakeRuns.write(sgda, optimizer: "sgda", lr: 0.01, modes: 1, eval: nil, seed: 0)
    dirs.append(sgda)
    return (root, dirs)
  }

  @Test func groupsRunsThatDifferOnlyInSeed() throws {
    let (root, dirs) = try runs()
    defer { try? FileManager.default.removeItem(at: root) }
    let records = try dirs.map { try RunRecord.load($0) }
    let groups = SeedGroups(records)
    #expect(groups.groups.map(\.runs) == [[0, 1, 2], [3]])
    #expect(groups.groups.map(\.seeds) == [["0", "1", "2"], ["0"]])
    #expect(groups.groups[0].label.hasPrefix("adam, "))
    #expect(groups.groups[0].label.contains("generatorSettings.learningRate = 0.001"))
    #expect(!groups.groups[0].label.contains("seed"))
    #expect(groups.hasRepeats)
    let table = ComparisonTable(records)
    let modes = try #require(table.columns.first { $0.key == "mixture.modesCovered" })
    // [7, 5, 8] modes of 8: bounded, so the BCa bootstrap interval [5.0, 7.67] (scipy.stats.bootstrap with
    // method='BCa' gives the same), not Student t's ±3.79, which reaches 10.5.
    let adam = groups.statistics(modes, groups.groups[0])
    #expect(adam.values == [7, 5, 8] && adam.seeds == ["0", "1", "2"])
    #expect(modes.bounds == 0...8)
    #expect(adam.formatted() == "6.7 [5.0, 7.7] (n=3: 7, 5, 8)")
  }

  @Test func theReportShowsATableOverSeeds() throws {
    let (root, dirs) = try runs()
    defer { try? FileManager.default.removeItem(at: root) }
    let html = try HTMLReport.load(dirs, generated: nil).render()
    #expect(html.contains("<section id=\"seeds\">"))
    #expect(occurrences(of: "<tr class=\"seed-row\">", in: html) == 2)
    #expect(html.contains("6.7 [5.0, 7.7] (n=3: 7, 5, 8)"))
    #expect(html.contains("1 (n=1: 1; no interval)"))
    // The per-run table stays.
    #expect(occurrences(of: "<tr class=\"run-row\">", in: html) == 4)
  }

  @Test func noTableOverSeedsWithoutRepeats() throws {
    let runs = try FakeRuns()
    defer { try? FileManager.default.removeItem(at: runs.root) }
    let html = try HTMLReport.load([runs.adam, runs.sgda], generated: nil).render()
    #expect(!html.contains("<section id=\"seeds\">"))
  }
}
