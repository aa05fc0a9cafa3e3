import Foundation
import GraftEngine
import GraftTestSupport
import Testing

#if canImport(Glibc)
  import Glibc
#endif

/// A sweep under fire (issue 28, item 6): 200 tiny runs, with the sweep and its runs killed (SIGKILL,
/// SIGTERM) at seeded random moments and the sweep started again until it finishes, end as 200 finished
/// runs whose metrics (but their timings) and checkpoints equal those of the same sweep left alone.
@Suite(.serialized) struct SweepUnderFireTests {
  /// 2 optimizers × 4 rates × 25 seeds of the tiny ring8 MLP: each run about 0.1 s, checkpoints every
  /// 20 of its 60 steps so that a killed run resumes from a checkpoint.
  static let grid = [
    "--optimizers", "adam,sgda", "--lrs", "0.001,0.002,0.004,0.008", "--seeds", "25", "--parallel", "2",
  ]
  static let run = [
    "--", "--preset", "ring8-mlp", "--width", "16", "--batch-size", "32", "--steps", "60", "--checkpoint-every", "20",
    "--log-every", "10",
  ]

  static func sweep(_ out: URL) throws -> Process {
    let sweep = Process()
    sweep.executableURL = graftExecutable
    sweep.arguments = ["sweep"] + grid + ["--out", out.path] + run
    sweep.standardOutput = FileHandle.nullDevice
    sweep.standardError = FileHandle.nullDevice
    try sweep.run()
    return sweep
  }

  /// metrics.jsonl without the timings, one JSON object per line.
  static func metrics(_ run: URL) throws -> [NSDictionary] {
    let text = try String(contentsOf: run.appendingPathComponent("metrics.jsonl"), encoding: .utf8)
    return try text.split(separator: "\n").map { line in
      let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
      return object.filter { $0.key != "time" } as NSDictionary
    }
  }

  @Test func killedAtRandomTheSweepEndsAsIfLeftAlone() throws {
    let root = temporaryDirectory("sweep-fire")
    let calm = root.appendingPathComponent("calm")
    let fire = root.appendingPathComponent("fire")
    let reference = try Self.sweep(calm)
    reference.waitUntilExit()
    #expect(reference.terminationStatus == 0)

    // The kill schedule: when, what, and which run, from one seed.
    var schedule = RandomGenerator(seed: 28)
    var shots: [String: Int] = [:]
    var starts = 0
    while starts < 100 {
      starts += 1
      let sweep = try Self.sweep(fire)
      // At most 40 shots in all, so that the sweep gets to finish.
      while sweep.isRunning && shots.values.reduce(0, +) < 40 {
        usleep(UInt32(20_000 + 20_000 * Int.random(in: 0..<15, using: &schedule)))
        guard sweep.isRunning else { break }
        let children = processes(mentioning: fire.path).filter { $0 != sweep.processIdentifier }.sorted()
        let child = children.isEmpty ? nil : children[Int.random(in: children.indices, using: &schedule)]
        switch Int.random(in: 0..<10, using: &schedule) {
        case 0..<5:
          guard let child else { continue }
          kill(child, SIGKILL)
          shots["run SIGKILL", default: 0] += 1
        case 5..<8:
          guard let child else { continue }
          kill(child, SIGTERM)
          shots["run SIGTERM", default: 0] += 1
        case 8:
          kill(sweep.processIdentifier, SIGKILL)
          shots["sweep SIGKILL", default: 0] += 1
        default:
          kill(sweep.processIdentifier, SIGTERM)
          shots["sweep SIGTERM", default: 0] += 1
        }
      }
      sweep.waitUntilExit()
      // Runs a killed sweep leaves stop on their own (the parent-death signal); the next sweep starts after.
      #expect(waitFor(seconds: 20) { processes(mentioning: fire.path).isEmpty })
      if sweep.terminationReason == .exit && sweep.terminationStatus == 0 { break }
    }
    #expect(starts < 100, "the sweep never finished")
    #expect(shots.values.reduce(0, +) >= 20 && starts > 1, "\(shots), \(starts) starts")

    let names = try FileManager.default.contentsOfDirectory(atPath: calm.path).filter { !$0.hasSuffix(".md") }.sorted()
    #expect(names.count == 200)
    #expect(
      try FileManager.default.contentsOfDirectory(atPath: fire.path).filter { !$0.hasSuffix(".md") }.sorted() == names)
    var differing: [String] = []
    for name in names {
      let (a, b) = (calm.appendingPathComponent(name), fire.appendingPathComponent(name))
      let summary = try JSONSerialization.jsonObject(with: Data(contentsOf: b.appendingPathComponent("summary.json")))
      #expect((summary as? [String: Any])?["status"] as? String == "finished", "\(name)")
      let checkpoint = "checkpoints/latest.safetensors"
      if try Self.metrics(a) != Self.metrics(b)
        || Data(contentsOf: a.appendingPathComponent(checkpoint))
          != Data(contentsOf: b.appendingPathComponent(checkpoint))
      {
        differing.append(name)
      }
    }
    #expect(differing.isEmpty, "runs that differ from the calm sweep's: \(differing)")
  }
}
