import Foundation
import GraftGAN
import GraftSweep
import GraftTestSupport
import Testing

/// The job-array script and the options behind it, without a cluster; `SlurmClusterTests` submits to one.
@Suite("Slurm job script")
struct SlurmJobScriptTests {
  let runs = [
    URL(fileURLWithPath: "/shared/my sweeps/adam-lr0.001-seed0"),
    URL(fileURLWithPath: "/shared/my sweeps/it's \"odd\""),
  ]

  func script(_ options: SlurmJobOptions = SlurmJobOptions()) -> SlurmJobScript {
    SlurmJobScript(
      runs: runs, executable: URL(fileURLWithPath: "/opt/graft build/graft"),
      workingDirectory: URL(fileURLWithPath: "/shared/my sweeps"),
      outputDirectory: URL(fileURLWithPath: "/shared/my sweeps/slurm-jobs"), jobName: "graft-sweep", options: options)
  }

  /// The #SBATCH lines, in order.
  func directives(_ text: String) -> [String] {
    text.split(separator: "\n").filter { $0.hasPrefix("#SBATCH ") }.map { String($0.dropFirst(8)) }
  }

  @Test func oneArrayTaskPerRunWithTheOptionsGiven() {
    let options = SlurmJobOptions(
      partition: "gpu", timeLimit: "1-02:00:00", cpusPerTask: 4, memory: "8G", extraOptions: ["--qos=high"],
      maxRequeues: 5, signalSeconds: 120, maxRunning: 3)
    let lines = directives(script(options).text)
    #expect(lines.contains("--array=0-\(runs.count - 1)%3"))
    #expect(lines.contains("--partition=gpu"))
    #expect(lines.contains("--time=1-02:00:00"))
    #expect(lines.contains("--cpus-per-task=4"))
    #expect(lines.contains("--mem=8G"))
    #expect(lines.contains("--qos=high"))
    #expect(lines.contains("--requeue"))
    #expect(lines.contains("--open-mode=append"))
    // B: the batch shell, which `exec`s graft: without it only srun steps would get the signal.
    #expect(lines.contains("--signal=B:USR2@120"))
    #expect(script(options).text.contains("--requeue-limit 5"))
  }

  @Test func optionsNotGivenAreLeftToTheCluster() {
    let lines = directives(script().text)
    #expect(!lines.contains { $0.hasPrefix("--partition") || $0.hasPrefix("--time") || $0.hasPrefix("--mem") })
    #expect(lines.contains("--cpus-per-task=1"))
    #expect(lines.contains("--array=0-\(runs.count - 1)"))
  }

  @Test func pathsAreAbsoluteAndQuotedForSbatchAndForTheShell() {
    let text = script().text
    let lines = directives(text)
    #expect(lines.contains(#"--chdir="/shared/my sweeps""#))
    #expect(lines.contains(#"--output="/shared/my sweeps/slurm-jobs/%A_%a.out""#))
    // The shell part: single quotes, a quote inside closed, escaped and reopened.
    #expect(text.contains("  '/shared/my sweeps/adam-lr0.001-seed0'\n"))
    #expect(text.contains(#"  '/shared/my sweeps/it'\''s "odd"'"#))
    #expect(text.contains("exec '/opt/graft build/graft' train --prepared \"$run\""))
    #expect(text.hasPrefix("#!/bin/bash\n"))
  }

  @Test func sbatchQuotingEscapesQuotesBackslashesAndPercents() {
    #expect(SlurmJobScript.sbatchQuoted(#"a "b" \c"#) == #""a \"b\" \\c""#)
    let options = SlurmJobOptions()
    let odd = SlurmJobScript(
      runs: runs, executable: URL(fileURLWithPath: "/g"), workingDirectory: URL(fileURLWithPath: "/w"),
      outputDirectory: URL(fileURLWithPath: "/shared/100%"), options: options)
    #expect(directives(odd.text).contains(#"--output="/shared/100%%/%A_%a.out""#))
  }

  /// The script as bash reads it: the array of runs parses, and task i picks run i.
  @Test func bashPicksTheRunOfEachTask() throws {
    let text = script().text
    let start = try #require(text.range(of: "runs=("))
    let end = try #require(text.range(of: "run=${runs[$SLURM_ARRAY_TASK_ID]}\n"))
    let program = String(text[start.lowerBound..<end.upperBound]) + "printf '%s' \"$run\"\n"
    for (index, run) in runs.enumerated() {
      let process = Process()
      process.executableURL = URL(fileURLWithPath: "/bin/bash")
      process.arguments = ["-c", program]
      process.environment = ["SLURM_ARRAY_TASK_ID": "\(index)"]
      let pipe = Pipe()
      process.standardOutput = pipe
      try process.run()
      let output = pipe.fileHandleForReading.readDataToEndOfFile()
      process.waitUntilExit()
      #expect(String(decoding: output, as: UTF8.self) == run.path)
    }
  }

  @Test(arguments: ["30", "45:00", "2:00:00", "1-12", "1-12:00", "1-12:00:00", "UNLIMITED"])
  func slurmTimeLimitFormsAreAccepted(_ time: String) throws {
    try SlurmJobOptions(timeLimit: time).validate()
  }

  @Test(arguments: [
    SlurmJobOptions(timeLimit: "1h"), SlurmJobOptions(timeLimit: "1:2:3:4"), SlurmJobOptions(cpusPerTask: 0),
    SlurmJobOptions(memory: "4GB"), SlurmJobOptions(partition: "a b"), SlurmJobOptions(extraOptions: ["qos=high"]),
    SlurmJobOptions(maxRequeues: -1),
  ])
  func badValuesAreRefusedInOneLine(_ options: SlurmJobOptions) {
    let error = #expect(throws: SlurmError.self) { try options.validate() }
    #expect(error.map { !$0.description.contains("\n") } == true)
  }

  @Test func aTaskRequeuesItselfByItsArrayTaskUpToTheLimit() throws {
    let first = try #require(
      SlurmRequeue(
        environment: ["SLURM_JOB_ID": "40", "SLURM_ARRAY_JOB_ID": "37", "SLURM_ARRAY_TASK_ID": "3"], limit: 2))
    #expect(first.task == "37_3")
    #expect(first.restarts == 0)
    #expect(first.isAllowed)
    let last = try #require(
      SlurmRequeue(
        environment: ["SLURM_ARRAY_JOB_ID": "37", "SLURM_ARRAY_TASK_ID": "3", "SLURM_RESTART_COUNT": "2"], limit: 2))
    #expect(!last.isAllowed)
    #expect(SlurmRequeue(environment: ["SLURM_JOB_ID": "9"], limit: 1)?.task == "9")
    #expect(SlurmRequeue(environment: [:], limit: 1) == nil)
  }

  /// `--dry-run` prints the script (absolute paths) and writes nothing: no run directory, no script file.
  @Test func dryRunPrintsTheScriptAndWritesNothing() throws {
    let root = temporaryDirectory("slurm dry run")
    let out = root.appendingPathComponent("sweep")
    let (status, output) = try runGraft(
      [
        "sweep", "--executor", "slurm", "--dry-run", "--optimizers", "adam,sgda", "--seeds", "2", "--steps", "10",
        "--time", "10", "--out", "sweep",
      ], in: root)
    #expect(status == 0, "\(output)")
    #expect(output.contains("#SBATCH --array=0-3"))
    #expect(output.contains("#SBATCH --time=10"))
    #expect(output.contains("'\(out.path)/adam-lr0.001-seed1'"))
    #expect(output.contains("exec '/"))
    let written = (try? FileManager.default.contentsOfDirectory(atPath: out.path)) ?? []
    #expect(written.isEmpty, "\(written)")
  }

  @Test func withoutSlurmOnPathTheErrorSaysSoInOneLine() throws {
    let root = temporaryDirectory("slurm missing")
    let (status, output) = try runGraft(
      ["sweep", "--executor", "slurm", "--optimizers", "adam", "--steps", "10", "--out", "sweep"],
      environment: ["PATH": root.path], in: root)
    #expect(status == 1)
    #expect(output.contains("needs Slurm's"))
    #expect(output.contains("Scripts/local-slurm.sh start"))
    #expect(output.split(separator: "\n").count == 1, "\(output)")
  }

  @Test(arguments: [
    (["--executor", "slurm", "--time", "1h"], "--time '1h'"),
    (["--partition", "gpu"], "add --executor slurm"),
    (["--dry-run"], "add --executor slurm"),
  ])
  func badSlurmOptionsAreRefusedBeforeAnythingRuns(_ arguments: [String], _ message: String) throws {
    let root = temporaryDirectory("slurm options")
    let (status, output) = try runGraft(["sweep", "--steps", "10", "--out", "sweep"] + arguments, in: root)
    #expect(status != 0)
    #expect(output.contains(message), "\(output)")
    #expect(!FileManager.default.fileExists(atPath: root.appendingPathComponent("sweep").path))
  }
}
