import Foundation
import Testing

/// `graft bench` runs (its timings are not checked: speed is measured by benchmarks, not tests).
@Suite("graft bench")
struct BenchCommandTests {
  /// The JSON object on the last line that starts with "{".
  static func json(_ output: String) -> [String: Any]? {
    guard let line = output.split(separator: "\n").last(where: { $0.hasPrefix("{") }) else { return nil }
    return try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
  }

  @Test func everyTrainingWorkloadRunsAndIsReported() throws {
    let (status, output) = try runGraft([
      "bench", "--min-reps", "1", "--min-seconds", "0", "--rounds", "1", "--json", "--no-torch", "--threads", "2",
    ])
    #expect(status == 0, "\(output)")
    let object = try #require(Self.json(output), "no JSON in: \(output)")
    let rows = try #require(object["workloads"] as? [[String: Any]])
    #expect(rows.compactMap { $0["workload"] as? String } == ["mlp-gan", "dcgan", "wgan-gp", "theory"])
    for row in rows {
      let ms = try #require(row["graft_ms"] as? Double)
      #expect(ms > 0 && ms.isFinite)
      #expect(row["target_ratio"] is Double)
      #expect(row["torch_ms"] == nil)
    }
    #expect((object["torch_problem"] as? String)?.contains("--no-torch") == true)
    #expect((object["peak_rss_mb"] as? Double).map { $0 > 0 } == true)
  }

  @Test func aMissingPyTorchScriptIsNamed() throws {
    let (status, output) = try runGraft([
      "bench", "--workloads", "theory", "--min-reps", "1", "--min-seconds", "0", "--torch-script",
      "/nonexistent/torch_bench.py",
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
      "--torch-script", script.path,
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

  @Test func unknownWorkloadsListTheValidOnes() throws {
    let (status, output) = try runGraft(["bench", "--workloads", "resnet"])
    #expect(status != 0)
    #expect(output.contains("mlp-gan") && output.contains("wgan-gp"), "\(output)")
  }
}
