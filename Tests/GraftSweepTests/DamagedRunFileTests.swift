import Foundation
import GraftGANTestSupport
import GraftRun
import GraftSweep
import GraftTestSupport
import Testing

/// A finished run's summary.json or eval.json that is there but does not read is refused by name, not
/// taken for a run that has not finished (which the tables would count as failed).
struct DamagedRunFileTests {
  @Test func aDamagedSummaryOrEvaluationStopsTheSweepNamingIt() throws {
    let root = temporaryDirectory("sweep-damaged")
    var config = smallConfig()
    config.steps = 20
    config.width = 16
    let sweep = Sweep(root: root, runs: [Sweep.Run(name: "cell", config: config, root: root)])
    let pool = LocalProcessPool(executable: graftExecutable, parallel: 1)
    #expect(try sweep.execute(with: pool) { _ in }.isEmpty)
    let directory = RunDirectory(sweep.runs[0].directory)
    let summary = try Data(contentsOf: directory.summary)

    for (damage, says) in [
      (Data(summary.prefix(summary.count / 2)), "not valid JSON"), (Data(#"{"status": "finished"}"#.utf8), "'steps'"),
    ] {
      try damage.write(to: directory.summary)
      let error = try #require(throws: DamagedRunFile.self) { try sweep.execute(with: pool) { _ in } }
      let text = "\(error)"
      #expect(text.contains(directory.summary.path) && text.contains(says), "\(text)")
      #expect(text.contains("move it away and run again") && !text.contains("\n"), "\(text)")
    }
    // Moved away, the run resumes at its last step and writes it again.
    try FileManager.default.removeItem(at: directory.summary)
    #expect(try sweep.execute(with: pool) { _ in }.isEmpty)
    #expect(Sweep.summary(sweep.runs[0])?.status == .finished)

    try Data("{\"fid\": 3".utf8).write(to: directory.evaluation)
    let error = try #require(throws: DamagedRunFile.self) { try sweep.execute(with: pool) { _ in } }
    #expect("\(error)".contains("eval.json") && "\(error)".contains("graft evaluate"), "\(error)")
  }
}
