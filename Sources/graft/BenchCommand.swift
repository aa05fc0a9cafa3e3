import ArgumentParser
import Foundation
import GraftEngine
import GraftGAN

/// Times the paper's training workloads in Graft and, in the same run, the identical PyTorch workloads
/// (Benchmarks/torch_bench.py), and prints both times and their ratio.
struct BenchCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "bench",
    abstract: "Time training iterations of the paper's workloads in Graft and in PyTorch, side by side.",
    discussion: """
      Workloads: \(BenchWorkloadName.allCases.map(\.rawValue).joined(separator: ", ")). In each round, \
      Graft and then PyTorch time the workload as the median of at least --min-reps iterations and \
      --min-seconds seconds (after three warm-up iterations in the first round, one in the later ones); \
      the ratio is the median of the rounds' ratios. PyTorch's side is `python3 Benchmarks/torch_bench.py \
      --serve` (torch CPU, same thread count), one process per workload kept running between rounds; \
      without torch the PyTorch column says why it is missing.
      """)

  @Option(help: "Comma-separated workloads (default: the four training workloads).")
  var workloads = BenchWorkloadName.training.map(\.rawValue).joined(separator: ",")
  @Option(help: "Threads for Graft's kernels (OpenBLAS itself runs on one) and for PyTorch.") var threads = 2
  @Option(help: "Minimum timed seconds per workload and round, on each side.") var minSeconds = 0.5
  @Option(help: "Minimum timed iterations per workload and round, on each side.") var minReps = 5
  @Option(help: "Rounds of Graft then PyTorch per workload; the ratio is the median of the rounds' ratios.")
  var rounds = 7
  @Flag(help: "Print one JSON object instead of the table.") var json = false
  @Flag(help: "Time Graft only.") var noTorch = false
  @Option(help: "The PyTorch side.") var torchScript = "Benchmarks/torch_bench.py"
  @Option(help: "The Python interpreter with torch installed.") var python = "python3"

  func validate() throws {
    _ = try names()
    guard threads > 0 else { throw ValidationError("--threads must be positive, got \(threads)") }
    guard rounds > 0 else { throw ValidationError("--rounds must be positive, got \(rounds)") }
  }

  func names() throws -> [BenchWorkloadName] {
    try workloads.split(separator: ",").map { name in
      guard let w = BenchWorkloadName(rawValue: String(name)) else {
        throw ValidationError(
          "unknown workload '\(name)'. Valid: \(BenchWorkloadName.allCases.map(\.rawValue).joined(separator: ", "))")
      }
      return w
    }
  }

  func run() throws {
    Runtime.setThreads(threads)
    var rows: [[String: Any]] = []
    var torchVersion: String?
    var torchProblem: String? = noTorch ? "not run (--no-torch)" : nil
    for name in try names() {
      let body = try name.makeIteration()
      var graftTimes: [Double] = []
      var torchTimes: [Double] = []
      var ratios: [Double] = []
      var iterations = 0
      var torch: TorchBenchServer?
      if torchProblem == nil {
        do {
          torch = try TorchBenchServer(python: python, script: torchScript, workload: name.rawValue, threads: threads)
          torchVersion = torch?.version
        } catch {
          torchProblem = error.message
        }
      }
      // Graft and PyTorch alternate, round by round, each pair seconds apart, so that the machine's slow
      // stretches fall on both; the ratio is the median of the rounds' ratios.
      for round in 1...rounds {
        let label = rounds > 1 ? " round \(round)/\(rounds)" : ""
        if !json { FileHandle.standardError.write(Data("bench: \(name.rawValue)\(label)…\n".utf8)) }
        let (seconds, count) = try median(body, warmup: round == 1 ? 3 : 1)
        graftTimes.append(seconds * 1000)
        iterations += count
        guard let server = torch else { continue }
        do {
          let (ms, _) = try server.time(minReps: minReps, minSeconds: minSeconds)
          torchTimes.append(ms)
          ratios.append(seconds * 1000 / ms)
        } catch {
          torchProblem = error.message
          torch = nil
        }
      }
      torch?.close()
      var row: [String: Any] = [
        "workload": name.rawValue, "graft_ms": Self.middle(graftTimes), "graft_iterations": iterations,
        "graft_ms_rounds": graftTimes,
      ]
      if let target = name.targetRatio { row["target_ratio"] = target }
      if !ratios.isEmpty {
        row["torch_ms"] = Self.middle(torchTimes)
        row["torch_ms_rounds"] = torchTimes
        // The median of the per-round ratios: each compares times taken minutes apart at most.
        row["ratio"] = Self.middle(ratios)
      }
      rows.append(row)
    }
    let result: [String: Any] = [
      "threads": threads, "openblas_core": Runtime.blasCoreName, "torch_version": torchVersion ?? NSNull(),
      "torch_problem": torchProblem ?? NSNull(), "workloads": rows, "peak_rss_mb": Runtime.peakResidentMegabytes,
    ]
    if json {
      let data = try JSONSerialization.data(withJSONObject: result, options: [.sortedKeys])
      print(String(decoding: data, as: UTF8.self))
    } else {
      printTable(rows, torchVersion: torchVersion, torchProblem: torchProblem)
    }
  }

  func printTable(_ rows: [[String: Any]], torchVersion: String?, torchProblem: String?) {
    print(
      "Graft vs PyTorch \(torchVersion ?? ""), \(threads) thread(s), OpenBLAS core \(Runtime.blasCoreName); "
        + "median ms per iteration")
    func pad(_ s: String, _ width: Int, left: Bool = false) -> String {
      let fill = String(repeating: " ", count: max(0, width - s.count))
      return left ? s + fill : fill + s
    }
    print(
      [pad("workload", 9, left: true), pad("Graft", 10), pad("PyTorch", 10), pad("ratio", 7), pad("target", 8)].joined(
        separator: " "))
    for row in rows {
      func number(_ key: String, _ digits: Int) -> String {
        (row[key] as? Double).map { String(format: "%.\(digits)f", $0) } ?? "–"
      }
      var verdict = ""
      if let ratio = row["ratio"] as? Double, let target = row["target_ratio"] as? Double {
        verdict = ratio <= target ? "met" : "missed"
      }
      let target = (row["target_ratio"] as? Double).map { String(format: "≤ %.1f", $0) } ?? ""
      print(
        [
          pad(row["workload"] as! String, 9, left: true), pad(number("graft_ms", 3), 10),
          pad(number("torch_ms", 3), 10),
          pad(number("ratio", 2), 7), pad(target, 8), verdict,
        ].joined(separator: " "))
    }
    if let torchProblem { print("PyTorch: \(torchProblem)") }
    print(String(format: "peak resident memory of this process: %.0f MB", Runtime.peakResidentMegabytes))
  }

  /// The median of a non-empty list (the mean of the middle two for an even count).
  static func middle(_ values: [Double]) -> Double {
    let v = values.sorted()
    return v.count % 2 == 1 ? v[v.count / 2] : (v[v.count / 2 - 1] + v[v.count / 2]) / 2
  }

  /// Median wall time in seconds of `body` after `warmup` calls, and how many calls were timed.
  func median(_ body: () throws -> Void, warmup: Int) rethrows -> (Double, Int) {
    for _ in 0..<warmup { try body() }
    var times: [Double] = []
    var total = 0.0
    while times.count < minReps || total < minSeconds {
      let start = DispatchTime.now().uptimeNanoseconds
      try body()
      let t = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
      times.append(t)
      total += t
    }
    times.sort()
    return (times[times.count / 2], times.count)
  }
}

/// What `graft bench` can time: the four training workloads of `BenchmarkWorkload`, and two kernels.
enum BenchWorkloadName: String, CaseIterable {
  case mlpGAN = "mlp-gan"
  case dcgan
  case wganGP = "wgan-gp"
  case theory
  /// conv2d forward+backward, [64,64,16,16] * [128,64,4,4], stride 2, padding 1.
  case conv2d
  /// A 512x512 matrix product.
  case matmul

  static var training: [BenchWorkloadName] { [.mlpGAN, .dcgan, .wganGP, .theory] }

  /// Graft time over PyTorch time that the performance issue asks for.
  var targetRatio: Double? {
    switch self {
    case .mlpGAN, .theory: 0.5
    case .dcgan: 1.0
    case .wganGP: 1.2
    case .conv2d, .matmul: nil
    }
  }

  func makeIteration() throws -> () throws -> Void {
    if let workload = BenchmarkWorkload(rawValue: rawValue) {
      let trainer = try workload.makeTrainer()
      return { try trainer.benchmarkIteration() }
    }
    var rng = RandomGenerator(seed: 0)
    switch self {
    case .conv2d:
      let x = Tensor<Float>(randomNormal: [64, 64, 16, 16], generator: &rng).requiringGrad()
      let w = (Tensor<Float>(randomNormal: [128, 64, 4, 4], generator: &rng) * 0.02).requiringGrad()
      let bias = Tensor<Float>(zeros: [128]).requiringGrad()
      let seed = Tensor<Float>(randomNormal: [64, 128, 8, 8], generator: &rng)
      return {
        let y = GraftEngine.conv2d(x, filter: w, bias: bias, stride: 2, padding: 1)
        _ = try gradients(of: y, withRespectTo: [x, w, bias], seed: seed)
      }
    default:
      let a = Tensor<Float>(randomNormal: [512, 512], generator: &rng)
      let b = Tensor<Float>(randomNormal: [512, 512], generator: &rng)
      return { _ = GraftEngine.matmul(a, b) }
    }
  }
}
