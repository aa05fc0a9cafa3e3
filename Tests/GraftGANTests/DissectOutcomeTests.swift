import Foundation
import GraftGAN
import GraftRun
import GraftTestSupport
import Testing

/// `make run`'s job, `graft dissect`, judged over seeds through the command line (so that it picks its
/// kernels as `make run` does); CI runs this suite again under another CPU's kernels. One seed's
/// outcome is a random draw: the README has the distribution over 40 seeds and three kernel sets.
@Suite("Outcomes: graft dissect", .serialized)
struct DissectOutcomeTests {
  struct Square: Decodable {
    struct Outcome: Decodable { var modesCovered: Int }
    var optimizers: [String: Outcome]
    var magnitudeEffect: Double
    var directionEffect: Double
  }

  /// Seeds 100–104 (the first of the 40 measured for the README), each the four runs two at a time
  /// (about 15 s a seed on 2 cores).
  @Test func theMagnitudeEffectShowsOnMostSeeds() throws {
    let root = temporaryDirectory("dissect")
    var squares: [Square] = []
    for seed in 100..<105 {
      let out = root.appendingPathComponent("seed\(seed)")
      let (status, output) = try runGraft(["dissect", "--seed", "\(seed)", "--out", out.path, "--parallel", "2"])
      try #require(status == 0, "seed \(seed): graft dissect failed: \(output)")
      squares.append(
        try JSONDecoder().decode(Square.self, from: Data(contentsOf: out.appendingPathComponent("summary.json"))))
      if seed == 100 {
        // What it promises: the table and its sentence, the four runs, the figure and the report.
        #expect(output.contains("magnitude effect") && output.contains("direction effect"))
        #expect(output.contains("figure:") && output.contains("report:"))
        for name in ["adam", "sgda", "ada-nsgda", "sgda-ada"] {
          let run = RunDirectory(out.appendingPathComponent(name))
          #expect(FileManager.default.fileExists(atPath: run.summary.path), "\(name)")
        }
        let svg = try String(contentsOf: out.appendingPathComponent("dissection.svg"), encoding: .utf8)
        for title in ["Adam", "SGDA", "Ada_nSGDA", "SGDA_Ada", "real data", "generated samples"] {
          #expect(svg.contains(title), "\(title)")
        }
        let report = try String(contentsOf: out.appendingPathComponent("report.html"), encoding: .utf8)
        #expect(report.contains("The dissection") && report.contains("<svg"))
      }
    }
    let magnitude = squares.map(\.magnitudeEffect)
    let adam = squares.map { $0.optimizers["adam"]!.modesCovered }
    let adaN = squares.map { $0.optimizers["ada-nsgda"]!.modesCovered }
    // Measured 2026-12-06 on the 2-core EPYC (runs/dissect-robustness, `graft reproduce dissect`), seeds
    // 100–104, magnitude effect / Adam / Ada_nSGDA modes:
    //   SkylakeX (= this CPU's default Cooperlake)  5.5 8 5 5.5 7.5 / 8 8 4 6 8 / 6 8 6 7 8
    //   Haswell                                     7 5.5 6 6.5 7   / 8 4 7 7 8 / 7 8 6 6 8
    //   Sandybridge                                 5 5.5 4.5 5 6   / 8 4 4 5 5 / 6 8 6 7 8
    // (37, 40 and 40 of 40 seeds reach 3 over 100–139: README, docs/dissect.md). Asserted with a margin of one seed and
    // about one mode: the effect ≥ 3 on ≥ 4 of 5 seeds, Adam's and Ada_nSGDA's mean ≥ 5 (measured 6.1–6.9).
    #expect(magnitude.filter { $0 >= 3 }.count >= 4, "magnitude effect per seed: \(magnitude)")
    #expect(Double(adam.reduce(0, +) + adaN.reduce(0, +)) / 10 >= 5, "Adam \(adam), Ada_nSGDA \(adaN)")
  }
}
