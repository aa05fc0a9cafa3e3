import Dispatch
import Foundation
import GraftGAN
import GraftRun
import GraftTestSupport
import Testing

/// The README's main job, `graft train` with its defaults, judged over seeds: one seed's outcome moves
/// with the last bits of rounding (OpenBLAS's kernels differ between CPUs), so no test asserts it.
/// Through the command line, so that the tool picks its kernels as `make run` does; CI runs this suite a
/// second time under OPENBLAS_CORETYPE=Haswell (`make test-outcomes`).
@Suite("Outcomes: the main job", .serialized)
struct MainJobOutcomeTests {
  /// Seeds 0–7 of the main job, two at a time on one thread each (results do not depend on the thread
  /// count), about 40 s on 2 cores.
  @Test func mainJobCoversTheRingOnMostSeeds() throws {
    let seeds = Array(0..<8)
    let root = temporaryDirectory("main-job")
    let outcomes = try runInPairs(seeds) { seed -> MixtureCoverage? in
      let out = root.appendingPathComponent("seed\(seed)")
      let (status, output) = try runGraft(
        ["train", "--seed", "\(seed)", "--out", out.path], environment: ["GRAFT_THREADS": "1"])
      guard status == 0 else {
        Issue.record("seed \(seed): graft train failed: \(output)")
        return nil
      }
      let summary = try JSONDecoder().decode(
        TrainingSummary.self, from: Data(contentsOf: RunDirectory(out).summary))
      return summary.mixture
    }
    let modes = outcomes.map { $0?.modesCovered ?? 0 }
    // Measured (docs/main-job.md), modes covered for seeds 0–7 under each OPENBLAS_CORETYPE:
    //   Haswell      8 8 8 8 6 6 8 7   (6 of 8 at ≥ 7, mean 7.4)
    //   Sandybridge  7 8 8 8 7 7 6 7   (7 of 8, mean 7.3)
    //   SkylakeX     7 8 8 8 7 7 8 6   (7 of 8, mean 7.4)
    // Asserted with a margin of one seed and about one mode: ≥ 5 of 8 seeds at ≥ 7, mean ≥ 6.5.
    let good = modes.filter { $0 >= 7 }.count
    let mean = Double(modes.reduce(0, +)) / Double(modes.count)
    #expect(good >= 5, "seeds reaching 7 of 8 modes: \(good) of 8; modes per seed \(modes)")
    #expect(mean >= 6.5, "mean modes covered \(mean); per seed \(modes)")

    // The run directory holds what the README promises.
    let run = RunDirectory(root.appendingPathComponent("seed0"))
    for file in [run.config, run.metrics, run.summary, run.latestCheckpoint, run.sample(step: TrainingConfig().steps)] {
      #expect(FileManager.default.fileExists(atPath: file.path), "missing \(file.lastPathComponent)")
    }
    #expect(run.stepCheckpoints().count == 3)
  }
}

/// `body` for each value, two at a time; results in the order of `values`.
func runInPairs<T: Sendable, R: Sendable>(_ values: [T], _ body: @Sendable (T) throws -> R) throws -> [R] {
  let results = ResultSlots<R>(count: values.count)
  DispatchQueue.concurrentPerform(iterations: 2) { lane in
    for i in stride(from: lane, to: values.count, by: 2) { results.set(i, Result { try body(values[i]) }) }
  }
  return try results.values.map { try $0!.get() }
}

/// Results written by concurrent workers, one slot each.
final class ResultSlots<R: Sendable>: @unchecked Sendable {
  private let lock = NSLock()
  private var slots: [Result<R, any Error>?]
  init(count: Int) { slots = Array(repeating: nil, count: count) }
  func set(_ i: Int, _ value: Result<R, any Error>) { lock.withLock { slots[i] = value } }
  var values: [Result<R, any Error>?] { lock.withLock { slots } }
}
