import Foundation
import GraftTestSupport
import Testing

/// `graft bench` runs (its timings are not checked: speed is measured by benchmarks, not tests).
@Suite("graft bench")
struct BenchCommandTests {
  /// The JSON object on the last line that starts with "{".
  static func json(_ output: String) -> [String: Any]? {
    guard let line = output.split(separator: "\n").last(where: { $0.hasPrefix("{") }) else { return nil }
    return try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
  }

  /// `a` and `b` agree to the digits JSON keeps (about 15).
  static func close(_ a: Double, _ b: Double) -> Bool { abs(a - b) <= 1e-12 * max(abs(a), abs(b)) }

  @Test func everyTrainingWorkloadRunsAndIsReported() throws {
    let (status, output) = try runGraft([
      "bench", "--min-reps", "1", "--min-seconds", "0", "--rounds", "1", "--json", "--no-torch", "--threads", "2",
      "--sgemm-size", "512",
    ])
    #expect(status == 0, "\(output)")
    let object = try #require(Self.json(output), "no JSON in: \(output)")
    let rows = try #require(object["workloads"] as? [[String: Any]])
    #expect(rows.compactMap { $0["workload"] as? String } == ["mlp-gan", "dcgan", "wgan-gp", "theory"])
    // The targets: Graft's time over PyTorch's, and the convolutional workloads' share of the sgemm peak.
    let targetRatios = ["mlp-gan": 0.3, "dcgan": 0.6, "wgan-gp": 0.6, "theory": 0.3]
    let targetShares = ["dcgan": 0.7, "wgan-gp": 0.7]
    for row in rows {
      let name = try #require(row["workload"] as? String)
      let ms = try #require(row["graft_ms"] as? Double)
      #expect(ms > 0 && ms.isFinite)
      #expect(row["target_ratio"] as? Double == targetRatios[name], "\(name)")
      #expect(row["target_share_of_sgemm_peak"] as? Double == targetShares[name], "\(name)")
      #expect(row["torch_ms"] == nil)
      // Every workload runs products: its FLOPs are counted, the same on both counted iterations.
      let flops = try #require(row["flops_per_iteration"] as? Int, "\(name)")
      #expect(flops > 0, "\(name)")
      #expect(row["flops_per_iteration_counts"] == nil, "\(name): \(row)")
      let gflops = try #require(row["gflops"] as? Double)
      #expect(Self.close(gflops, Double(flops) / (ms * 1e6)), "\(name)")
      let share = try #require(row["share_of_sgemm_peak"] as? Double)
      #expect(share > 0 && share.isFinite, "\(name)")
    }
    #expect((object["torch_problem"] as? String)?.contains("--no-torch") == true)
    #expect((object["peak_rss_mb"] as? Double).map { $0 > 0 } == true)
  }

  /// The distance to the limit: FLOPs counted by the engine from the ops the workload ran (checked
  /// against the closed forms of the two kernel workloads), GFLOP/s from them and Graft's median time,
  /// and their shares of the peaks, each the median of the rounds' measurements.
  @Test func flopsRatesAndSharesOfThePeaksAreConsistent() throws {
    let (status, output) = try runGraft([
      "bench", "--workloads", "conv2d,matmul", "--min-reps", "1", "--min-seconds", "0", "--rounds", "3", "--json",
      "--no-torch", "--sgemm-size", "256",
    ])
    #expect(status == 0, "\(output)")
    let object = try #require(Self.json(output), "no JSON in: \(output)")
    #expect(object["sgemm_size"] as? Int == 256)
    let width = try #require(object["fma_width"] as? Int, "this CPU has an FMA loop: \(object)")
    #expect([4, 8, 16].contains(width))
    #expect(["AVX-512", "AVX2", "NEON"].contains(object["fma_instructions"] as? String ?? ""))
    let mhz = try #require(object["cpu_mhz"] as? Double, "/proc/cpuinfo has a clock here")
    #expect(mhz > 0 && mhz.isFinite)
    // Which kernels the convolutions ran: oneDNN's JIT ones, or Graft's own where oneDNN has none.
    let conv = try #require(object["conv_kernel"] as? String)
    #expect(conv.hasPrefix("oneDNN jit") || conv == "Graft's own")
    let rows = try #require(object["workloads"] as? [[String: Any]])
    // conv2d: [64, 64, 16, 16] * [128, 64, 4, 4], stride 2, padding 1 (8x8 out), forward and both gradients;
    // matmul: 512x512 by 512x512.
    let convolution = 2 * 64 * 128 * 64 * 4 * 4 * 8 * 8
    let expected = ["conv2d": 3 * convolution, "matmul": 2 * 512 * 512 * 512]
    #expect(rows.count == 2)
    for row in rows {
      let name = try #require(row["workload"] as? String)
      #expect(row["flops_per_iteration"] as? Int == expected[name], "\(name)")
      let ms = try #require(row["graft_ms"] as? Double)
      let gflops = try #require(row["gflops"] as? Double)
      #expect(Self.close(gflops, Double(expected[name]!) / (ms * 1e6)), "\(name): \(gflops) GFLOP/s in \(ms) ms")
      for peak in ["sgemm", "fma"] {
        let rounds = try #require(row["\(peak)_peak_gflops_rounds"] as? [Double], "\(name) \(peak)")
        #expect(rounds.count == 3 && rounds.allSatisfy { $0 > 0 && $0.isFinite }, "\(rounds)")
        let median = try #require(row["\(peak)_peak_gflops"] as? Double)
        #expect(median == rounds.sorted()[1])
        let share = try #require(row["share_of_\(peak)_peak"] as? Double)
        #expect(Self.close(share, gflops / median), "\(name) \(peak)")
      }
      #expect(row["target_share_of_sgemm_peak"] == nil)
    }
  }

  /// The table prints the second block: peaks, FLOPs per iteration, shares, and the target with its verdict.
  @Test func theTablePrintsTheDistanceToTheLimit() throws {
    let (status, output) = try runGraft([
      "bench", "--workloads", "matmul,dcgan", "--min-reps", "1", "--min-seconds", "0", "--rounds", "1", "--no-torch",
      "--sgemm-size", "256",
    ])
    #expect(status == 0, "\(output)")
    #expect(output.contains("sgemm peak: GraftEngine.matmul 256x256, 2 thread(s)"), "\(output)")
    #expect(output.contains("FMA peak: ") && output.contains("MHz (/proc/cpuinfo)"), "\(output)")
    let lines = output.split(separator: "\n")
    let header = try #require(lines.first { $0.hasPrefix("workload") && $0.contains("% sgemm") }, "\(output)")
    #expect(header.contains("FLOP/iter") && header.contains("% FMA"))
    // 2·512³ = 268,435,456 FLOPs.
    #expect(lines.contains { $0.hasPrefix("matmul") && $0.contains("268 M") }, "\(output)")
    let dcgan = try #require(lines.last { $0.hasPrefix("dcgan") }, "\(output)")
    #expect(dcgan.contains("≥ 70%") && (dcgan.hasSuffix("met") || dcgan.hasSuffix("missed")), "\(dcgan)")
  }

  @Test func aMissingPyTorchScriptIsNamed() throws {
    let (status, output) = try runGraft([
      "bench", "--workloads", "theory", "--min-reps", "1", "--min-seconds", "0", "--sgemm-size", "256",
      "--torch-script", "/nonexistent/torch_bench.py",
    ])
    #expect(status == 0, "\(output)")
    #expect(output.contains("/nonexistent/torch_bench.py not found"), "\(output)")
    #expect(output.contains("theory"))
  }

  /// The PyTorch side is one process per workload that answers each round's request with a time (here
  /// a stand-in script that speaks the same protocol as `torch_bench.py --serve`, so torch is not needed).
  @Test func roundsAlternateWithOneRunningPyTorchProcess() throws {
    let script = FileManager.default.temporaryDirectory.appendingPathComponent("fake-torch-bench-\(getpid()).py")
    try """
    import json, sys
    assert "--serve" in sys.argv
    print(json.dumps({"torch_version": "fake", "ready": True}), flush=True)
    for n, line in enumerate(sys.stdin):
        print(json.dumps({"ms": 1000.0 * (n + 1), "iterations": 5}), flush=True)
    """.write(to: script, atomically: true, encoding: .utf8)
    defer { try? FileManager.default.removeItem(at: script) }
    let (status, output) = try runGraft([
      "bench", "--workloads", "theory", "--rounds", "3", "--min-reps", "1", "--min-seconds", "0", "--json",
      "--sgemm-size", "256", "--torch-script", script.path,
    ])
    #expect(status == 0, "\(output)")
    let object = try #require(Self.json(output), "no JSON in: \(output)")
    #expect(object["torch_version"] as? String == "fake")
    let row = try #require((object["workloads"] as? [[String: Any]])?.first)
    // One process answered all three rounds (its answers count up), and the ratio is the rounds' median.
    #expect(row["torch_ms_rounds"] as? [Double] == [1000, 2000, 3000])
    #expect(row["torch_ms"] as? Double == 2000)
    let graft = try #require(row["graft_ms_rounds"] as? [Double])
    let ratios = zip(graft, [1000.0, 2000, 3000]).map { $0 / $1 }.sorted()
    // (JSON prints the times to 15 digits, so the ratio recomputed from them agrees to about that.)
    let ratio = try #require(row["ratio"] as? Double)
    #expect(abs(ratio - ratios[1]) <= 1e-12 * ratios[1])
  }

  /// The seeds workloads: Graft's side is `threads` member processes (one trainer each) timing at once,
  /// reported as ms per member-step; PyTorch's side (a stand-in script here) is asked for --seeds-batch
  /// seeds, and the ratio is the median of the rounds' ratios against the target 1/1.5.
  @Test func seedsWorkloadsReportMsPerMemberStep() throws {
    let script = FileManager.default.temporaryDirectory.appendingPathComponent("fake-torch-seeds-\(getpid()).py")
    try """
    import json, sys
    assert "--serve" in sys.argv
    batch = int(sys.argv[sys.argv.index("--seeds-batch") + 1])
    print(json.dumps({"torch_version": "fake", "ready": True}), flush=True)
    for n, line in enumerate(sys.stdin):
        print(json.dumps({"ms": float(batch * (n + 1)), "iterations": 5, "seeds_batch": batch}), flush=True)
    """.write(to: script, atomically: true, encoding: .utf8)
    defer { try? FileManager.default.removeItem(at: script) }
    let (status, output) = try runGraft([
      "bench", "--workloads", "ring8-seeds,theory-seeds", "--rounds", "2", "--min-reps", "2", "--min-seconds", "0",
      "--json", "--threads", "2", "--seeds-batch", "4", "--sgemm-size", "256", "--torch-script", script.path,
    ])
    #expect(status == 0, "\(output)")
    let object = try #require(Self.json(output), "no JSON in: \(output)")
    let rows = try #require(object["workloads"] as? [[String: Any]])
    #expect(rows.compactMap { $0["workload"] as? String } == ["ring8-seeds", "theory-seeds"])
    for row in rows {
      let name = try #require(row["workload"] as? String)
      #expect(row["unit"] as? String == "ms per member-step", "\(name)")
      #expect(row["members"] as? Int == 2, "\(name)")
      #expect(row["seeds_batch"] as? Int == 4, "\(name)")
      #expect((row["target_ratio"] as? Double).map { abs($0 - 1 / 1.5) < 1e-12 } == true, "\(name)")
      // Two members, each timing at least two iterations a round, in two rounds.
      #expect((row["graft_iterations"] as? Int).map { $0 >= 8 } == true, "\(name): \(row)")
      let members = try #require(row["graft_member_ms_rounds"] as? [[Double]], "\(name)")
      #expect(members.count == 2 && members.allSatisfy { $0.count == 2 && $0.allSatisfy { $0 > 0 } }, "\(members)")
      let graft = try #require(row["graft_ms_rounds"] as? [Double])
      #expect(graft.count == 2 && graft.allSatisfy { $0 > 0 && $0.isFinite }, "\(graft)")
      // Over the whole machine, a member-step costs at most what one member's iteration takes (the
      // members run at once), give or take the timers' rounding.
      for (round, times) in zip(graft, members) { #expect(round <= times.max()! * 1.5, "\(round) vs \(times)") }
      // The stand-in answers batch × round number, the ms per member-step the real script would report.
      #expect(row["torch_ms_rounds"] as? [Double] == [4, 8], "\(name)")
      let ratios = zip(graft, [4.0, 8]).map { $0 / $1 }.sorted()
      let ratio = try #require(row["ratio"] as? Double)
      #expect(abs(ratio - (ratios[0] + ratios[1]) / 2) <= 1e-12 * ratio, "\(name)")
      // No FLOP count: the members run in their own processes.
      #expect(row["flops_per_iteration"] == nil)
    }
  }

  /// The table names the unit of the seeds rows and their target, 1/1.5.
  @Test func theTableExplainsTheSeedsRows() throws {
    let (status, output) = try runGraft([
      "bench", "--workloads", "theory-seeds", "--rounds", "1", "--min-reps", "1", "--min-seconds", "0", "--no-torch",
      "--threads", "2", "--sgemm-size", "256",
    ])
    #expect(status == 0, "\(output)")
    let lines = output.split(separator: "\n")
    let row = try #require(lines.first { $0.hasPrefix("theory-seeds") }, "\(output)")
    #expect(row.contains("≤ 0.67"), "\(row)")
    // The longest workload name still leaves its Graft time under the header's "Graft".
    let header = try #require(lines.first { $0.hasPrefix("workload") }, "\(output)")
    let graftEnd = try #require(header.range(of: "Graft")?.upperBound).utf16Offset(in: header)
    let time = try #require(row.split(separator: " ").dropFirst().first)
    #expect(time.endIndex.utf16Offset(in: row) == graftEnd, "\(header)\n\(row)")
    #expect(output.contains("ms per member-step") && output.contains("graft sweep --parallel 2"), "\(output)")
    // Nothing of theirs is counted, so the distance-to-the-limit table is left out.
    #expect(!output.contains("Distance to the limit"), "\(output)")
  }

  @Test func unknownWorkloadsListTheValidOnes() throws {
    let (status, output) = try runGraft(["bench", "--workloads", "resnet"])
    #expect(status != 0)
    #expect(output.contains("mlp-gan") && output.contains("wgan-gp"), "\(output)")
  }
}
