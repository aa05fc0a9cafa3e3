import Foundation
import GraftExperiments
import Testing

/// The `graft` executable built next to the test runner.
let graftExecutable = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent(
  "graft")

func scratch(_ label: String) -> URL {
  FileManager.default.temporaryDirectory.appendingPathComponent("graft-reproduce-\(label)-\(UUID().uuidString)")
}

/// The quick versions of `graft reproduce`: structure, no NaN, and the findings that are robust at this
/// size. The full versions are opt-in: GRAFT_FULL_REPRODUCTION=1 runs them (about an hour).
@Suite("graft reproduce (quick)", .serialized)
struct ReproduceSmokeTests {
  @Test func theoryQuick() throws {
    let root = scratch("theory")
    let experiment = TheoryExperiment(root: root, scale: ExperimentScale(quick: true, executable: graftExecutable))
    let result = try experiment.run()
    #expect(experiment.sweep.runs.count == 2 * (16 + 1))
    #expect(experiment.sgdaRates.count >= 4)
    #expect(result.markdown.contains("| η_G \\ η_D |"))
    let check = try #require(result.checks.first { $0.claim.contains("more modes than SGDA") })
    #expect(check.held, "\(check.evidence)")
    // Every nSGDA run finished with finite losses.
    for run in experiment.sweep.runs where run.labels["optimizer"] == "nsgda" {
      let summary = try #require(Sweep.summary(run))
      #expect(summary.discriminatorLoss.isFinite && summary.generatorLoss.isFinite)
    }
  }

  @Test func mixturesQuick() throws {
    let root = scratch("mog")
    let experiment = MixtureExperiment(root: root, scale: ExperimentScale(quick: true, executable: graftExecutable))
    let result = try experiment.run()
    #expect(experiment.sweep.runs.count == MixtureExperiment.optimizers.count)
    for optimizer in MixtureExperiment.optimizers { #expect(result.markdown.contains("| \(optimizer) |")) }
    let adam = try #require(result.checks.first { $0.claim.hasPrefix("Adam covers") })
    #expect(adam.held, "\(adam.evidence)")
    for run in experiment.sweep.runs {
      #expect(
        FileManager.default.fileExists(atPath: run.directory.appendingPathComponent("samples/step-002000.png").path))
      #expect(!result.markdown.contains("nan"))
    }
  }

  @Test(.enabled(if: FashionMNIST.isAvailable(split: .train), "Fashion-MNIST is not installed"))
  func graftingQuick() throws {
    let experiment = GraftingExperiment(
      root: scratch("grafting"), scale: ExperimentScale(quick: true, executable: graftExecutable))
    let result = try experiment.run()
    // Structure only: 60 steps decide nothing about the paper's claims.
    #expect(result.checks.count == 3)
    for run in experiment.sweep.runs {
      let record = try RunRecord.load(run.directory)
      let fid = try #require(record.metrics.evaluations.last?.values["fid"], "\(run.name) has no FID")
      #expect(fid.isFinite && fid >= 0)
      #expect(record.metrics.evaluations.count == 2)
      #expect(
        FileManager.default.fileExists(atPath: run.directory.appendingPathComponent("samples/step-000060.png").path))
    }
  }

  @Test(
    .enabled(
      if: ProcessInfo.processInfo.environment["GRAFT_FULL_REPRODUCTION"] == "1",
      "set GRAFT_FULL_REPRODUCTION=1 for the full versions"))
  func fullVersions() throws {
    let scale = ExperimentScale(quick: false, executable: graftExecutable)
    let theory = try TheoryExperiment(root: scratch("theory-full"), scale: scale).run()
    let mog = try MixtureExperiment(root: scratch("mog-full"), scale: scale).run()
    #expect(theory.checks.contains { $0.claim.contains("more modes than SGDA") && $0.held })
    #expect(mog.checks.contains { $0.claim.hasPrefix("Adam covers") && $0.held })
  }
}
