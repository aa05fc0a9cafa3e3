import Foundation
import GraftEngine
import GraftGAN
import GraftRun
import GraftTestSupport
import Testing

#if canImport(Glibc)
  import Glibc
#endif

/// `kill -9` at moments drawn from a seeded generator (during start-up, between checkpoints, while a
/// checkpoint or the summary is written): every time, `--resume` until the run finishes ends with the
/// weights of a run never interrupted and each metrics line once. Nothing written is lost or mixed.
@Suite("Faults: kill -9 at random moments", .serialized)
struct KillFaultTests {
  @Test func killedAtRandomMomentsTheRunStillEndsExactlyAsAnUninterruptedOne() throws {
    let root = temporaryDirectory("kill9")
    let steps = 12000
    let arguments =
      ["train", "--steps", "\(steps)", "--log-every", "100", "--checkpoint-every", "400", "--width", "16"]
      + ["--batch-size", "32"]
    let reference = root.appendingPathComponent("reference")
    let (refStatus, refOutput) = try runGraft(arguments + ["--out", reference.path])
    try #require(refStatus == 0, "\(refOutput)")

    let run = root.appendingPathComponent("run")
    var generator = RandomGenerator(seed: 2026)
    var kills = 0
    var attempt = 0
    // A few kills, each after a random delay of 0–600 ms (the whole run takes 2–3 s), then
    // resumes without kills until it finishes.
    while !FileManager.default.fileExists(atPath: RunDirectory(run).summary.path) {
      attempt += 1
      try #require(attempt < 20, "the run never finished")
      let starting = !FileManager.default.fileExists(atPath: RunDirectory(run).config.path)
      let process = try startGraft(
        starting ? arguments + ["--out", run.path] : ["train", "--resume", run.path],
        log: root.appendingPathComponent("log-\(attempt)"))
      if kills < 4 {
        usleep(useconds_t(generator.next() % 600_000))
        if process.isRunning {
          kill(process.processIdentifier, SIGKILL)
          kills += 1
        }
      }
      process.waitUntilExit()
    }
    #expect(kills >= 2, "the run finished before it could be killed")
    #expect(try latestState(run) == latestState(reference))
    #expect(try loggedSteps(RunDirectory(run)) == Array(stride(from: 100, through: steps, by: 100)))
    // TensorBoard too: each logged step once, with the values of the run never killed.
    let logged = try tensorBoardScalars(run).filter { $0.values["loss_d"] != nil }
    let expected = try tensorBoardScalars(reference).filter { $0.values["loss_d"] != nil }
    #expect(logged.map(\.step) == Array(stride(from: 100, through: steps, by: 100)))
    #expect(logged.map(\.values) == expected.map(\.values))
    #expect(RunLock.holder(of: run) == nil)
  }
}
