import Foundation
import GraftGAN
import GraftGANTestSupport
import GraftRun
import GraftSweep
import GraftTestSupport
import Testing

#if canImport(Glibc)
  import Glibc
#endif

/// The steps of a run's metrics.jsonl, in file order.
private func metricSteps(_ directory: URL) throws -> [Int] {
  let text = try String(contentsOf: RunDirectory(directory).metrics, encoding: .utf8)
  return try text.split(separator: "\n").compactMap { line in
    let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
    return object?["step"] as? Int
  }
}

/// A sweep's runs are its children: stopping the sweep stops them, a restart never runs a live run or a
/// failed one again unless asked, and settings the grid sets are refused.
@Suite("Sweeps own their runs", .serialized)
struct SweepOwnershipTests {
  let tiny = ["--preset", "ring8-mlp", "--width", "16", "--batch-size", "32"]

  /// SIGTERM to `graft sweep` while its runs train: it forwards it, waits for them, names them and exits
  /// 143 with no run left running; the same command then completes every run, each step once.
  @Test func stoppingASweepStopsItsRunsAndARestartCompletesEachOnce() throws {
    let out = temporaryDirectory("sweep-stop").appendingPathComponent("grid")
    let arguments =
      ["sweep", "--optimizers", "adam,sgda", "--seeds", "2", "--parallel", "2", "--out", out.path] + tiny
      + ["--steps", "3000", "--checkpoint-every", "100"]
    let outputFile = out.deletingLastPathComponent().appendingPathComponent("first.txt")
    #expect(FileManager.default.createFile(atPath: outputFile.path, contents: nil))
    let output = try FileHandle(forWritingTo: outputFile)
    let sweep = Process()
    sweep.executableURL = graftExecutable
    sweep.arguments = arguments
    sweep.standardOutput = output
    sweep.standardError = output
    try sweep.run()
    // Both running runs have written a checkpoint: then the signal comes mid-run. (Once `graft train`
    // checkpoints on SIGTERM, any moment will do.)
    let started = waitFor(seconds: 20) {
      let names = (try? FileManager.default.contentsOfDirectory(atPath: out.path)) ?? []
      let checkpointed = names.filter { name in
        FileManager.default.fileExists(atPath: RunDirectory(out.appendingPathComponent(name)).latestCheckpoint.path)
      }
      return checkpointed.count == 2
    }
    let children = processes(mentioning: out.path).filter { $0 != sweep.processIdentifier }
    sweep.terminate()
    let ended = waitFor(seconds: 20) { !sweep.isRunning }
    if !ended { kill(sweep.processIdentifier, SIGKILL) }
    sweep.waitUntilExit()
    try output.close()
    let first = try String(contentsOf: outputFile, encoding: .utf8)
    #expect(started && ended, "\(first)")
    #expect(children.count == 2, "\(children)")
    #expect(sweep.terminationStatus == 143, "\(first)")
    #expect(first.contains("sweep: stopped by SIGTERM: 2 running ("), "\(first)")
    #expect(processes(mentioning: out.path).isEmpty)
    for pid in children { #expect(kill(pid, 0) == -1, "run \(pid) outlived the sweep") }

    let (status, second) = try runGraft(arguments)
    #expect(status == 0, "\(second)")
    let runs = try FileManager.default.contentsOfDirectory(atPath: out.path).filter { !$0.hasSuffix(".md") }.sorted()
    #expect(runs.count == 4)
    var resumed = 0
    for name in runs {
      let directory = out.appendingPathComponent(name)
      #expect(second.components(separatedBy: "sweep: \(name) finished").count == 2, "\(second)")
      // Stopped runs resumed into a second log; their first is kept.
      let secondLog = directory.appendingPathComponent("train.1.log")
      if let text = try? String(contentsOf: secondLog, encoding: .utf8) {
        #expect(text.contains("resuming"), "\(text)")
        resumed += 1
      }
      #expect(!FileManager.default.fileExists(atPath: RunFailureRecord.file(in: directory).path))
      let steps = try metricSteps(directory)
      #expect(steps == steps.sorted() && Set(steps).count == steps.count && steps.last == 3000, "\(name): \(steps)")
    }
    #expect(resumed == 2)
  }

  /// A sweep killed without a chance to forward anything (SIGKILL): the kernel stops its runs.
  @Test func aKilledSweepTakesItsRunsWithIt() throws {
    let out = temporaryDirectory("sweep-kill").appendingPathComponent("grid")
    let sweep = Process()
    sweep.executableURL = graftExecutable
    sweep.arguments =
      ["sweep", "--optimizers", "adam,sgda", "--parallel", "2", "--out", out.path] + tiny + ["--steps", "20000"]
    sweep.standardOutput = FileHandle.nullDevice
    sweep.standardError = FileHandle.nullDevice
    try sweep.run()
    let started = waitFor(seconds: 20) {
      processes(mentioning: out.path).filter { $0 != sweep.processIdentifier }.count == 2
    }
    kill(sweep.processIdentifier, SIGKILL)
    sweep.waitUntilExit()
    #expect(started)
    #expect(waitFor(seconds: 10) { processes(mentioning: out.path).isEmpty }, "\(processes(mentioning: out.path))")
  }

  /// A run whose directory's lock a live process holds is reported and skipped, not started beside it.
  @Test func aLiveRunIsSkipped() throws {
    let root = temporaryDirectory("sweep-live")
    var config = smallConfig()
    config.steps = 20
    config.width = 16
    let run = Sweep.Run(name: "busy", config: config, root: root)
    try FileManager.default.createDirectory(at: run.directory, withIntermediateDirectories: true)
    let lock = try RunLock.acquire(run.directory)
    let log = LogLines()
    let pool = LocalProcessPool(executable: graftExecutable, parallel: 1)
    #expect(try pool.execute([run]) { log.append($0) }.isEmpty)
    #expect(log.all.contains("sweep: busy is running elsewhere (PID \(getpid())); skipped"), "\(log.all)")
    #expect(!FileManager.default.fileExists(atPath: run.directory.appendingPathComponent("train.log").path))
    // Released: the next execution trains it.
    lock.release()
    #expect(try pool.execute([run]) { _ in }.isEmpty)
    #expect(Sweep.isFinished(run))
  }

  /// A finished run is skipped when the sweep asks for the same config again, and refused (naming the
  /// run, the differing settings and the fix) when the sweep now asks for another config under its name.
  @Test func aStartedRunOfAnotherConfigIsRefusedNotReused() throws {
    let root = temporaryDirectory("sweep-changed")
    var config = smallConfig()
    config.steps = 20
    config.width = 16
    let pool = LocalProcessPool(executable: graftExecutable, parallel: 1)
    let sweep = Sweep(root: root, runs: [Sweep.Run(name: "cell", config: config, root: root)])
    #expect(try sweep.execute(with: pool) { _ in }.isEmpty)
    let log = LogLines()
    #expect(try sweep.execute(with: pool) { log.append($0) }.isEmpty)
    #expect(log.all.contains { $0.contains("1 already finished, 0 to go") }, "\(log.all)")

    config.steps = 30
    config.seed = 7
    let changed = Sweep(root: root, runs: [Sweep.Run(name: "cell", config: config, root: root)])
    let error = try #require(throws: StoredRunMismatch.self) { try changed.execute(with: pool) { _ in } }
    #expect("\(error)".contains("run cell in \(root.appendingPathComponent("cell").path)"), "\(error)")
    let keys = "\(error)".components(separatedBy: "differs in ").last?.components(separatedBy: ")").first ?? ""
    #expect(keys.components(separatedBy: ", ").contains("seed") && keys.contains("steps"), "\(error)")
    #expect("\(error)".contains("move that directory away"), "\(error)")
  }

  /// A failed run keeps its log and failed.json; the same command reports it without running it, and
  /// `--retry-failed` runs it again into a new log.
  @Test func aFailedRunIsRunAgainOnlyWithRetryFailed() throws {
    let out = temporaryDirectory("sweep-failed").appendingPathComponent("grid")
    let arguments =
      ["sweep", "--optimizers", "adam", "--out", out.path, "--preset", "fashion-dcgan", "--steps", "5"]
      + ["--data-dir", out.appendingPathComponent("no-such-data").path]
    let run = out.appendingPathComponent("adam-lr0.001-seed0")
    let (status, first) = try runGraft(arguments)
    #expect(status == 1 && first.contains("sweep: adam-lr0.001-seed0 FAILED with status"), "\(first)")
    let record = try #require(RunFailureRecord.read(run))
    #expect(record.status != 0 && record.log == "train.log")
    let firstLog = try String(contentsOf: run.appendingPathComponent("train.log"), encoding: .utf8)
    #expect(!firstLog.isEmpty)

    let (again, second) = try runGraft(arguments)
    #expect(again == 1, "\(second)")
    #expect(second.contains("1 failed before, 0 to go"), "\(second)")
    #expect(
      second.contains(
        "sweep: adam-lr0.001-seed0 failed before with status \(record.status) (see \(run.path)/train.log)"),
      "\(second)")
    #expect(second.contains("--retry-failed runs them again"), "\(second)")
    #expect(!FileManager.default.fileExists(atPath: run.appendingPathComponent("train.1.log").path))
    #expect(try String(contentsOf: run.appendingPathComponent("train.log"), encoding: .utf8) == firstLog)

    let (retried, third) = try runGraft(arguments + ["--retry-failed"])
    #expect(retried == 1 && third.contains("0 already finished, 1 to go"), "\(third)")
    #expect(try String(contentsOf: run.appendingPathComponent("train.log"), encoding: .utf8) == firstLog)
    #expect(FileManager.default.fileExists(atPath: run.appendingPathComponent("train.1.log").path))
    #expect(RunFailureRecord.read(run)?.log == "train.1.log")
  }

  /// A setting the grid sets in every run, given beside the grid, is refused naming the flag and the axis.
  @Test(arguments: [
    (["--optimizer", "nsgda"], "--optimizer", "--optimizers"),
    (["--d-optimizer=sgda"], "--d-optimizer", "--optimizers"),
    (["--lr", "0.1"], "--lr", "--lrs"), (["--g-lr", "0.1"], "--g-lr", "--lrs"), (["--seed", "3"], "--seed", "--seeds"),
  ])
  func aSettingTheGridSetsIsRefused(settings: [String], flag: String, axis: String) throws {
    let out = temporaryDirectory("sweep-conflict").appendingPathComponent("grid")
    let (status, output) = try runGraft(
      ["sweep", "--optimizers", "adam,sgda", "--out", out.path, "--preset", "ring8-mlp"] + settings)
    #expect(status != 0 && output.contains("\(flag) conflicts with the sweep's \(axis)"), "\(output)")
    #expect(!FileManager.default.fileExists(atPath: out.path))
  }

  /// A diverged cell run again once resumed into the same divergence; now it starts again from its config,
  /// its attempt kept aside, unless `--retry-failed --resume` asks to resume it.
  @Test func aDivergedCellStartsAgainFromItsConfigWhenRetried() throws {
    let root = temporaryDirectory("diverged-cell")
    let arguments = ["sweep", "--optimizers", "sgda", "--lrs", "1e30", "--seeds", "1", "--out", root.path]
    let settings = ["--", "--steps", "20", "--log-every", "10"]
    let cell = root.appendingPathComponent("sgda-lr1e+30-seed0")
    let (first, firstOutput) = try runGraft(arguments + settings)
    #expect(first != 0, "\(firstOutput)")
    let divergence = try #require(DivergenceRecord.read(cell), "\(firstOutput)")
    #expect(divergence.message.contains("training stopped at step \(divergence.step)"))
    #expect(RunFailureRecord.read(cell) != nil)

    let (_, retried) = try runGraft(arguments + ["--retry-failed"] + settings)
    #expect(retried.contains("diverged at step \(divergence.step) before; starting it again from its config"), "\(retried)")
    let aside = cell.appendingPathComponent("attempt-1")
    #expect(FileManager.default.fileExists(atPath: aside.appendingPathComponent("diverged.json").path))
    #expect(FileManager.default.fileExists(atPath: aside.appendingPathComponent("checkpoints/latest.safetensors").path))
    #expect(FileManager.default.fileExists(atPath: cell.appendingPathComponent("train.log").path), "logs stay")

    let (_, resumed) = try runGraft(arguments + ["--retry-failed", "--resume"] + settings)
    #expect(resumed.contains("resuming it from its checkpoint, as asked"), "\(resumed)")
    #expect(!FileManager.default.fileExists(atPath: cell.appendingPathComponent("attempt-2").path))

    let (refused, refusal) = try runGraft(arguments + ["--resume"] + settings)
    #expect(refused != 0 && refusal.contains("add --retry-failed"), "\(refusal)")
  }

  /// A cell submitted to Slurm and still queued holds no lock yet: the local pool asks Slurm (a stand-in
  /// squeue here) and leaves it alone, and when Slurm cannot be asked it says so and leaves it too.
  @Test func theLocalPoolLeavesCellsQueuedUnderSlurm() throws {
    let root = temporaryDirectory("queued-cell")
    let bin = root.appendingPathComponent("bin")
    try FileManager.default.createDirectory(at: bin, withIntermediateDirectories: true)
    let cell = root.appendingPathComponent("adam-lr0.001-seed0")
    try FileManager.default.createDirectory(at: cell, withIntermediateDirectories: true)
    let script = root.appendingPathComponent("array.sh").path
    try JSONEncoder().encode(SlurmTaskRecord(job: "999", task: 0, script: script))
      .write(to: SlurmTaskRecord.file(in: cell))
    func squeue(_ body: String) throws {
      let file = bin.appendingPathComponent("squeue")
      try Data("#!/bin/sh\n\(body)\n".utf8).write(to: file)
      try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: file.path)
    }
    let path = ["PATH": bin.path + ":" + (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin")]
    let arguments = ["sweep", "--optimizers", "adam", "--seeds", "1", "--out", root.path, "--", "--steps", "10"]

    try squeue("echo '999_0|PENDING|\(script)'")
    let (_, queued) = try runGraft(arguments, environment: path)
    #expect(queued.contains("is pending under Slurm (task 999_0); skipped (scancel 999_0"), "\(queued)")
    #expect(!FileManager.default.fileExists(atPath: RunDirectory(cell).config.path))

    try squeue("echo 'slurm_load_jobs error: Unable to contact slurm controller' >&2; exit 1")
    let (_, unreachable) = try runGraft(arguments, environment: path)
    #expect(unreachable.contains("Slurm cannot be asked from here"), "\(unreachable)")
    #expect(unreachable.contains("delete \(SlurmTaskRecord.file(in: cell).path)"), "\(unreachable)")
    #expect(!FileManager.default.fileExists(atPath: RunDirectory(cell).config.path))

    // Its task ended (Slurm no longer lists it): the cell trains here.
    try squeue("exit 0")
    let (status, trained) = try runGraft(arguments, environment: path)
    #expect(status == 0, "\(trained)")
    #expect(Sweep.isFinished(Sweep.Run(name: cell.lastPathComponent, config: smallConfig(), directory: cell)))
  }
}
