import Foundation
import GraftBuildInfo
import GraftEngine
import GraftRun
import GraftTestSupport
import Testing

@Suite("The graft command line")
struct CommandLineTests {
  /// One merge order: preset, then config file, then flags (a config file once replaced the preset
  /// silently, and `--preset theory --config my.json` trained ring8 with Adam).
  @Test(arguments: ["json", "yaml"])
  func presetThenConfigFileThenFlags(format: String) throws {
    let directory = temporaryDirectory("merge")
    let file = directory.appendingPathComponent("my.\(format)")
    let text =
      format == "json"
      ? #"{"steps": 7, "discriminatorSettings": {"learningRate": 0.05}}"#
      : "steps: 7\ndiscriminatorSettings:\n  learningRate: 0.05\n"
    try Data(text.utf8).write(to: file)
    let out = directory.appendingPathComponent("run")
    let (status, output) = try runGraft(
      ["train", "--preset", "theory", "--config", file.path, "--seed", "3", "--out", out.path])
    #expect(status == 0, "\(output)")
    let object = try JSONSerialization.jsonObject(with: Data(contentsOf: out.appendingPathComponent("config.json")))
    let config = try #require((object as? [String: Any])?["config"] as? [String: Any])
    #expect(config["dataset"] as? String == "theory" && config["model"] as? String == "theory")  // the preset
    #expect(config["generatorOptimizer"] as? String == "nsgda")  // the preset
    #expect(config["steps"] as? Int == 7)  // the file
    let d = try #require(config["discriminatorSettings"] as? [String: Any])
    #expect(d["learningRate"] as? Double == 0.05)  // the file, inside a nested object
    let g = try #require(config["generatorSettings"] as? [String: Any])
    #expect(g["learningRate"] as? Double == 0.02)  // the preset, beside it
    #expect(config["seed"] as? Int == 3)  // the flag
  }

  /// A YAML value JSON cannot hold (a date) is named in a one-line refusal, not a Foundation error.
  @Test func aYAMLDateIsRefusedByName() throws {
    let directory = temporaryDirectory("yaml-date")
    let file = directory.appendingPathComponent("my.yaml")
    try Data("steps: 7\nseed: 2001-12-14\n".utf8).write(to: file)
    let out = directory.appendingPathComponent("run")
    let (status, output) = try runGraft(["train", "--config", file.path, "--out", out.path])
    #expect(status != 0)
    #expect(output.contains("'seed'") && !output.contains("NSCocoaErrorDomain"), "\(output)")
    #expect(!FileManager.default.fileExists(atPath: out.appendingPathComponent("config.json").path))
  }

  /// config.json and summary.json say what the numbers depend on: the commit the binary was built from
  /// (not the HEAD of the directory it runs in: here one outside any git checkout), the threads, the
  /// OpenBLAS kernel set and the CPU.
  @Test func runsRecordTheirProvenance() throws {
    let cwd = temporaryDirectory("provenance-cwd")
    let out = cwd.appendingPathComponent("run")
    let (status, output) = try runGraft(
      ["train", "--steps", "20", "--width", "16", "--out", out.path],
      environment: ["GRAFT_THREADS": "1", "OPENBLAS_CORETYPE": "Sandybridge", "DNNL_MAX_CPU_ISA": "AVX"], in: cwd)
    #expect(status == 0, "\(output)")
    for file in ["config.json", "summary.json"] {
      let object = try JSONSerialization.jsonObject(with: Data(contentsOf: out.appendingPathComponent(file)))
      let provenance = try #require((object as? [String: Any])?["provenance"] as? [String: Any], "\(file)")
      #expect(provenance["gitCommit"] as? String == BuildInfo.commit, "\(file)")
      #expect(provenance["sourcesModified"] as? Bool == BuildInfo.sourcesModified, "\(file)")
      #expect(provenance["threads"] as? Int == 1, "\(file)")
      #expect(provenance["blasCoreType"] as? String == "Sandybridge", "\(file)")
      #expect(provenance["convolutionInstructionSet"] as? String == "avx", "\(file)")
      #expect(!((provenance["cpuModel"] as? String) ?? "").isEmpty, "\(file)")
    }
    // Built in a git checkout (CI's clone, a developer's), the build knows its commit.
    let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
      .deletingLastPathComponent()
    if FileManager.default.fileExists(atPath: packageRoot.appendingPathComponent(".git").path) {
      let commit = try #require(BuildInfo.commit)
      #expect(commit.count == 40 && commit.allSatisfy(\.isHexDigit))
    }
  }

  /// `graft` runs the OpenBLAS kernel set `Runtime.suggestedCoreType` asks for on this CPU (restarting
  /// itself once where OpenBLAS fell back to its generic one), the set OpenBLAS chose where nothing is
  /// suggested, and the one `OPENBLAS_CORETYPE` names where it is set.
  @Test func runsTheFastestKernelsTheCPUHas() throws {
    func info(_ environment: [String: String], removing: [String]) throws -> (core: String, output: String) {
      let (status, output) = try runGraft(["info"], environment: environment, removing: removing)
      #expect(status == 0, "\(output)")
      let line = try #require(output.split(separator: "\n").first { $0.hasPrefix("This build and machine:") })
      let name = try #require(line.firstMatch(of: /OpenBLAS (\w+),/)?.1, "\(line)")
      return (String(name), output)
    }
    // GRAFT_BLAS_RESTARTED says the restart has happened: OpenBLAS's own choice stays.
    let chosen = try info(["GRAFT_BLAS_RESTARTED": "1"], removing: ["OPENBLAS_CORETYPE"]).core
    let expected = Runtime.suggestedCoreType(chosen: chosen, cpuFlags: Runtime.cpuFlags) ?? chosen
    let own = try info([:], removing: ["OPENBLAS_CORETYPE", "GRAFT_BLAS_RESTARTED"])
    #expect(own.core == expected)
    #expect(!own.output.contains("Note: OPENBLAS_CORETYPE"), "\(own.output)")
    // A set named by OPENBLAS_CORETYPE runs, with a note where it is narrower than the CPU (every CPU
    // with AVX2 for Sandybridge's AVX kernels).
    let told = try info(["OPENBLAS_CORETYPE": "Sandybridge"], removing: ["GRAFT_BLAS_RESTARTED"])
    #expect(told.core == "Sandybridge")
    let note = Runtime.blasCoreTypeNote(forced: "Sandybridge", running: "Sandybridge", cpuFlags: Runtime.cpuFlags)
    #expect(told.output.contains("Note: OPENBLAS_CORETYPE") == (note != nil), "\(told.output)")
    if let note { #expect(told.output.contains(note), "\(told.output)") }
  }

  @Test(arguments: [
    (["train", "--optimizer", "adamw"], "ada-nsgda"),
    (["train", "--dataset", "mnist"], "fashion-mnist"),
    (["train", "--loss", "wasserstein"], "wgan-gp"),
    (["train", "--steps", "0"], "--steps must be an integer > 0, got 0"),
    (["train", "--lr", "-1"], "--lr must be a number > 0, got -1"),
    (["train", "--eps", "-1e-8"], "--eps must be a number ≥ 0"),
    (["train", "--final-fraction", "2"], "--final-fraction must be a number in [0, 1]"),
    (["train", "--batch_size", "3"], "Did you mean '--batch-size'?"),
    (["train", "--steps", "5.5"], "--steps: '5.5' is not an integer > 0"),
    (["train", "--preset", "nope"], "ring8-mlp"),
    (["train", "--grouping", "layer"], "global"),
  ])
  func badFlagsFailWithTheValidChoices(_ arguments: [String], _ expected: String) throws {
    let out = temporaryDirectory("flags")
    let (status, output) = try runGraft(arguments + ["--out", out.path])
    #expect(status != 0)
    #expect(output.contains(expected), "\(output)")
    // Nothing was started.
    #expect(!FileManager.default.fileExists(atPath: out.appendingPathComponent("config.json").path))
  }

  @Test func infoListsEverything() throws {
    let (status, output) = try runGraft(["info"])
    #expect(status == 0)
    for word in [
      "ring8", "theory", "fashion-mnist", "dcgan", "wgan-gp", "ada-nsgda", "sgda-ada", "nsgda-global", "graft:M:D",
      "fashion-dcgan",
    ] {
      #expect(output.contains(word), "info does not mention \(word)")
    }
  }

  /// The performance issue's memory target: the DCGAN preset (all 60,000 images loaded, FID evaluation
  /// included) stays under 1 GB.
  @Test func dcganPresetPeakMemoryStaysUnderOneGigabyte() throws {
    let run = temporaryDirectory("cli-memory").appendingPathComponent("run")
    let (status, output) = try runGraft([
      "train", "--preset", "fashion-dcgan", "--steps", "4", "--evaluate-every", "4",
      "--log-every", "2", "--out", run.path,
    ])
    #expect(status == 0, "\(output)")
    let data = try Data(contentsOf: run.appendingPathComponent("summary.json"))
    let summary = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
    let peak = try #require(summary["peakResidentMegabytes"] as? Double)
    #expect(peak > 50 && peak < 1024, "peak resident memory \(peak) MB")
  }

  @Test func trainThenSampleToNumPy() throws {
    let run = temporaryDirectory("cli-run").appendingPathComponent("run")
    let (status, output) = try runGraft(["train", "--steps", "20", "--batch-size", "32", "--out", run.path])
    #expect(status == 0, "\(output)")
    #expect(output.contains("modes covered"))
    let npy = run.appendingPathComponent("s.npy")
    let (sampleStatus, sampleOutput) = try runGraft(["sample", run.path, "--count", "10", "--npy", npy.path])
    #expect(sampleStatus == 0, "\(sampleOutput)")
    let bytes = try Data(contentsOf: npy)
    #expect(bytes.starts(with: [0x93] + Array("NUMPY".utf8)))
    let (evalStatus, evalOutput) = try runGraft(["evaluate", run.path])
    #expect(evalStatus == 0, "\(evalOutput)")
    let eval =
      try JSONSerialization.jsonObject(with: Data(contentsOf: run.appendingPathComponent("eval.json")))
      as? [String: Any]
    #expect(eval?["modesCovered"] is Int && eval?["step"] as? Int == 20)
    #expect((eval?["provenance"] as? [String: Any])?["gitCommit"] is String, "eval.json names the binary")
    // Starting again in the same directory is refused with the way to continue.
    let (again, againOutput) = try runGraft(["train", "--out", run.path])
    #expect(again != 0 && againOutput.contains("--resume"))
  }
}

@Suite("graft sweep")
struct SweepCommandTests {
  @Test func sweepRunsTheGridAndSkipsFinishedRuns() throws {
    let root = temporaryDirectory("sweep")
    let arguments = [
      "sweep", "--optimizers", "adam,nsgda", "--lrs", "0.001", "--seeds", "2", "--out", root.path, "--", "--steps",
      "10", "--batch-size", "32",
    ]
    let (status, output) = try runGraft(arguments)
    #expect(status == 0, "\(output)")
    #expect(output.contains("4 to go"))
    let table = try String(contentsOf: root.appendingPathComponent("summary.md"), encoding: .utf8)
    for name in ["adam-lr0.001-seed0", "adam-lr0.001-seed1", "nsgda-lr0.001-seed0", "nsgda-lr0.001-seed1"] {
      #expect(table.contains("| \(name) |") && table.contains("finished"))
      #expect(
        FileManager.default.fileExists(
          atPath: root.appendingPathComponent(name).appendingPathComponent("summary.json").path))
    }
    let (again, againOutput) = try runGraft(arguments)
    #expect(again == 0 && againOutput.contains("4 already finished, 0 to go"))
  }

  /// After `--`, --preset and --config are settings like the others (they were "unknown option '--preset'").
  @Test func presetAndConfigAfterTheSeparatorAreTaken() throws {
    let root = temporaryDirectory("sweep-preset")
    let file = root.appendingPathComponent("more.json")
    try Data(#"{"batchSize": 32}"#.utf8).write(to: file)
    let arguments = [
      "sweep", "--optimizers", "adam", "--seeds", "1", "--out", root.path, "--", "--preset", "grid25-mlp",
      "--config=\(file.path)", "--steps", "10",
    ]
    let (status, output) = try runGraft(arguments)
    #expect(status == 0, "\(output)")
    let saved = try #require(try RunDirectory(root.appendingPathComponent("adam-lr0.001-seed0")).savedConfig())
    #expect(saved.dataset == .grid25 && saved.batchSize == 32 && saved.steps == 10)
    let (twice, twiceOutput) = try runGraft(
      ["sweep", "--preset", "ring8-mlp", "--out", root.path, "--", "--preset", "grid25-mlp"])
    #expect(twice != 0 && twiceOutput.contains("--preset is given twice"), "\(twiceOutput)")
  }
}
