import ArgumentParser
import Foundation
import GraftEngine
import GraftGAN
import GraftRun

/// Times the paper's training workloads in Graft and, in the same run, the identical PyTorch workloads
/// (Benchmarks/torch_bench.py), and prints both times and their ratio; and for each workload its FLOPs
/// per iteration (counted by the engine), its GFLOP/s and their share of two peaks measured in the same
/// rounds (`BenchPeaks`): the distance to the limit.
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

      Each workload's FLOPs per iteration are those of its matrix products and convolutions, counted by \
      the engine (`FlopCount`) over one iteration after warm-up (and checked on a second); GFLOP/s = FLOPs \
      / Graft's median time. In every round, after Graft's time, the bench also measures the sgemm peak \
      (GraftEngine.matmul on a --sgemm-size square product, median of 3) and the FMA peak (the widest \
      FMA loop the CPU runs, AVX-512 or AVX2 as its flags allow, on every thread at once, median of 3); \
      each peak is the median of its rounds, and the shares are GFLOP/s over those medians.

      ring8-seeds and theory-seeds (not run by default) time what a seed sweep pays: ms per member-step \
      over the whole machine. Graft's side is what `graft sweep --parallel T` does: T member processes \
      (this binary, one thread each, GRAFT_THREADS=1), each an ordinary trainer of the ring8-mlp or \
      theory preset with its own seed, timing iterations at the same time; ms per member-step = 1000 / \
      the sum of their iterations per second. PyTorch's side batches --seeds-batch seeds in one process \
      (stacked weights, bmm) and reports its iteration time over that N. Their target is ratio ≤ 1/1.5.
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
  @Option(help: "Side of the square matrix product timed as the sgemm peak.") var sgemmSize = 2048
  @Option(help: "Seeds PyTorch batches in one process for ring8-seeds and theory-seeds.") var seedsBatch = 32
  /// Set in the member processes of the seeds workloads: this process trains one member with this seed
  /// and answers timing requests on stdin as `torch_bench.py --serve` does.
  @Option(help: .hidden) var memberSeed: Int?

  func validate() throws {
    _ = try names()
    guard threads > 0 else { throw ValidationError("--threads must be positive, got \(threads)") }
    guard rounds > 0 else { throw ValidationError("--rounds must be positive, got \(rounds)") }
    guard sgemmSize > 0 else { throw ValidationError("--sgemm-size must be positive, got \(sgemmSize)") }
    guard seedsBatch > 0 else { throw ValidationError("--seeds-batch must be positive, got \(seedsBatch)") }
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
    if let memberSeed {
      guard let name = try names().first, name.preset != nil else {
        throw ValidationError("--member-seed needs a seeds workload (ring8-seeds, theory-seeds)")
      }
      return try serveMember(name, seed: memberSeed)
    }
    Runtime.setThreads(threads)
    var rows: [[String: Any]] = []
    var torchVersion: String?
    var torchProblem: String? = noTorch ? "not run (--no-torch)" : nil
    let peaks = BenchPeaks(size: sgemmSize, threads: threads)
    for name in try names() {
      if name.preset != nil {
        rows.append(try seedsRow(name, torchProblem: &torchProblem, torchVersion: &torchVersion))
        continue
      }
      let body = try name.makeIteration()
      var graftTimes: [Double] = []
      var sgemmPeaks: [Double] = []
      var fmaPeaks: [Double] = []
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
      // Warm-up: one iteration, then two whose products and convolutions the engine counts.
      try body()
      let counts = try [FlopCount.measure(body).productFlops, FlopCount.measure(body).productFlops]
      // Graft and PyTorch alternate, round by round, each pair seconds apart, so that the machine's slow
      // stretches fall on both; the ratio is the median of the rounds' ratios.
      for round in 1...rounds {
        let label = rounds > 1 ? " round \(round)/\(rounds)" : ""
        if !json { FileHandle.standardError.write(Data("bench: \(name.rawValue)\(label)…\n".utf8)) }
        let (seconds, count) = try median(body, warmup: round == 1 ? 0 : 1)
        graftTimes.append(seconds * 1000)
        iterations += count
        sgemmPeaks.append(peaks.sgemmGFLOPS(warmup: round == 1 ? 1 : 0))
        if let fma = peaks.fmaGFLOPS() { fmaPeaks.append(fma) }
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
      // FLOPs over the median time; the peaks are the medians of their rounds, taken next to those times.
      let flops = counts[1]
      let gflops = Double(flops) / (Self.middle(graftTimes) * 1e6)
      let sgemmPeak = Self.middle(sgemmPeaks)
      row["flops_per_iteration"] = flops
      if counts[0] != counts[1] { row["flops_per_iteration_counts"] = counts }
      row["gflops"] = gflops
      row["sgemm_peak_gflops"] = sgemmPeak
      row["sgemm_peak_gflops_rounds"] = sgemmPeaks
      row["share_of_sgemm_peak"] = gflops / sgemmPeak
      if let target = name.targetShareOfSgemmPeak { row["target_share_of_sgemm_peak"] = target }
      if !fmaPeaks.isEmpty {
        let fmaPeak = Self.middle(fmaPeaks)
        row["fma_peak_gflops"] = fmaPeak
        row["fma_peak_gflops_rounds"] = fmaPeaks
        row["share_of_fma_peak"] = gflops / fmaPeak
      }
      Self.addTorchColumns(&row, times: torchTimes, ratios: ratios)
      rows.append(row)
    }
    let result: [String: Any] = [
      "threads": threads, "openblas_core": Runtime.blasCoreName,
      "openblas_core_note": Runtime.blasCoreTypeNote ?? NSNull(),
      "conv_kernel": Self.convKernel,
      "torch_version": torchVersion ?? NSNull(),
      "torch_problem": torchProblem ?? NSNull(), "workloads": rows, "peak_rss_mb": Runtime.peakResidentMegabytes,
      "sgemm_size": sgemmSize, "cpu_mhz": FMAPeak.clockMegahertz ?? NSNull(),
      "fma_width": FMAPeak.kernel?.width ?? NSNull(), "fma_instructions": FMAPeak.kernel?.name ?? NSNull(),
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
      "Graft vs PyTorch \(torchVersion ?? ""), \(threads) thread(s), OpenBLAS core \(Runtime.blasCoreName), "
        + "convolutions \(Self.convKernel); median ms per iteration")
    if let note = Runtime.blasCoreTypeNote { print("note: \(note)") }
    print(
      [
        Self.pad("workload", Self.nameWidth, left: true), Self.pad("Graft", 10), Self.pad("PyTorch", 10),
        Self.pad("ratio", 7),
        Self.pad("target", 8),
      ].joined(
        separator: " "))
    for row in rows {
      func number(_ key: String, _ digits: Int) -> String {
        (row[key] as? Double).map { String(format: "%.\(digits)f", $0) } ?? "–"
      }
      var verdict = ""
      if let ratio = row["ratio"] as? Double, let target = row["target_ratio"] as? Double {
        verdict = ratio <= target ? "met" : "missed"
      }
      let target =
        (row["target_ratio"] as? Double).map {
          String(format: abs($0 * 10 - ($0 * 10).rounded()) < 1e-9 ? "≤ %.1f" : "≤ %.2f", $0)
        } ?? ""
      print(
        [
          Self.pad(row["workload"] as! String, Self.nameWidth, left: true), Self.pad(number("graft_ms", 3), 10),
          Self.pad(number("torch_ms", 3), 10),
          Self.pad(number("ratio", 2), 7), Self.pad(target, 8), verdict,
        ].joined(separator: " "))
    }
    for row in rows {
      guard let members = row["members"] as? Int else { continue }
      let batch = (row["seeds_batch"] as? Int).map { "\($0) seeds batched (bmm) in one process" } ?? "–"
      print(
        "  \(row["workload"] as! String): ms per member-step over the machine; Graft: \(members) one-thread "
          + "member processes at once (as `graft sweep --parallel \(members)`); PyTorch: \(batch)")
    }
    if let torchProblem { print("PyTorch: \(torchProblem)") }
    print()
    // The seeds workloads run in member processes: no FLOPs counted, no row in the second table.
    if rows.contains(where: { $0["flops_per_iteration"] != nil }) { printDistanceToPeak(rows) }
    print(String(format: "peak resident memory of this process: %.0f MB", Runtime.peakResidentMegabytes))
  }

  /// The second table: each workload's FLOPs (matrix products and convolutions), GFLOP/s and share of
  /// the two peaks measured in its rounds.
  func printDistanceToPeak(_ rows: [[String: Any]]) {
    let clock = FMAPeak.clockMegahertz.map { String(format: "%.0f MHz", $0) } ?? "unknown"
    let fma =
      FMAPeak.kernel.map { "\($0.name) FMA loop, \($0.width) floats wide, on \(threads) thread(s) at once" }
      ?? "no FMA loop for this CPU"
    print("Distance to the limit: FLOPs of the matrix products and convolutions (counted by the engine), GFLOP/s")
    print("  sgemm peak: GraftEngine.matmul \(sgemmSize)x\(sgemmSize), \(threads) thread(s)")
    print("  FMA peak: \(fma); clock \(clock) (/proc/cpuinfo)")
    print(
      [
        Self.pad("workload", Self.nameWidth, left: true), Self.pad("FLOP/iter", 10), Self.pad("GFLOP/s", 8),
        Self.pad("sgemm peak", 10),
        Self.pad("% sgemm", 8), Self.pad("FMA peak", 9), Self.pad("% FMA", 6), Self.pad("target", 7),
      ].joined(separator: " "))
    for row in rows where row["flops_per_iteration"] != nil {
      func number(_ key: String, _ format: String, scale: Double = 1) -> String {
        (row[key] as? Double).map { String(format: format, $0 * scale) } ?? "–"
      }
      var verdict = ""
      var target = ""
      if let goal = row["target_share_of_sgemm_peak"] as? Double {
        target = String(format: "≥ %.0f%%", goal * 100)
        if let share = row["share_of_sgemm_peak"] as? Double { verdict = share >= goal ? "met" : "missed" }
      }
      print(
        [
          Self.pad(row["workload"] as! String, Self.nameWidth, left: true),
          Self.pad((row["flops_per_iteration"] as? Int).map(Self.withPrefix) ?? "–", 10),
          Self.pad(number("gflops", "%.1f"), 8), Self.pad(number("sgemm_peak_gflops", "%.1f"), 10),
          Self.pad(number("share_of_sgemm_peak", "%.1f%%", scale: 100), 8),
          Self.pad(number("fma_peak_gflops", "%.1f"), 9),
          Self.pad(number("share_of_fma_peak", "%.1f%%", scale: 100), 6), Self.pad(target, 7), verdict,
        ].joined(separator: " "))
      if let counts = row["flops_per_iteration_counts"] as? [Int] {
        let both = counts.map(String.init).joined(separator: " and ")
        print(
          "  (\(row["workload"] as! String): two iterations counted \(both) FLOPs: the work is not the same each time)")
      }
    }
  }

  /// The width of the tables' first column: the longest workload name ("theory-seeds").
  static let nameWidth = BenchWorkloadName.allCases.map(\.rawValue.count).max()!

  /// `s` padded with spaces to `width` characters, on the left (right-aligned) unless `left`.
  static func pad(_ s: String, _ width: Int, left: Bool = false) -> String {
    let fill = String(repeating: " ", count: max(0, width - s.count))
    return left ? s + fill : fill + s
  }

  /// A count with an SI prefix and three significant digits ("27.9 G", "1.05 M", "512").
  static func withPrefix(_ count: Int) -> String {
    for (prefix, scale) in [("T", 1e12), ("G", 1e9), ("M", 1e6), ("k", 1e3)] where Double(count) >= scale {
      let value = Double(count) / scale
      return String(format: value < 10 ? "%.2f" : value < 100 ? "%.1f" : "%.0f", value) + " " + prefix
    }
    return String(count)
  }

  /// The kernel the DCGAN's large convolutions run (64 to 128 channels, 16x16 to 8x8): oneDNN's JIT name
  /// (its instruction set, e.g. "jit:avx512_core", or "jit:avx2" under DNNL_MAX_CPU_ISA=AVX2), or "graft".
  static var convKernel: String {
    let g = ConvGeometry(
      batch: 64, channels: 64, height: 16, width: 16, kernelHeight: 4, kernelWidth: 4, stride: 2, padding: 1)
    let name = g.floatKernel(outChannels: 128)
    return name == "graft" ? "Graft's own" : "oneDNN \(name)"
  }

  /// PyTorch's columns of a row, when PyTorch ran: its median time, its rounds and the median of the
  /// per-round ratios (each compares times taken seconds apart).
  static func addTorchColumns(_ row: inout [String: Any], times: [Double], ratios: [Double]) {
    guard !ratios.isEmpty else { return }
    row["torch_ms"] = middle(times)
    row["torch_ms_rounds"] = times
    row["ratio"] = middle(ratios)
  }

  /// The median of a non-empty list (the mean of the middle two for an even count).
  static func middle(_ values: [Double]) -> Double {
    let v = values.sorted()
    return v.count % 2 == 1 ? v[v.count / 2] : (v[v.count / 2 - 1] + v[v.count / 2]) / 2
  }

  /// Median wall time in seconds of `body` after `warmup` calls, and how many calls were timed.
  func median(_ body: () throws -> Void, warmup: Int) rethrows -> (Double, Int) {
    let (median, count, _) = try Self.timed(body, warmup: warmup, minReps: minReps, minSeconds: minSeconds)
    return (median, count)
  }

  /// Median wall time in seconds of `body` after `warmup` calls, how many calls were timed and their total.
  static func timed(_ body: () throws -> Void, warmup: Int, minReps: Int, minSeconds: Double) rethrows -> (
    Double, Int, Double
  ) {
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
    return (times[times.count / 2], times.count, total)
  }

  /// A seeds workload's row: ms per member-step over the machine, Graft's (`threads` member processes
  /// training at once, as `graft sweep --parallel threads` runs its seeds) and PyTorch's (`seedsBatch`
  /// seeds batched in one process on `threads` threads), round by round.
  func seedsRow(_ name: BenchWorkloadName, torchProblem: inout String?, torchVersion: inout String?) throws
    -> [String: Any]
  {
    let members = threads
    let executable = URL(
      fileURLWithPath: (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe"))
        ?? CommandLine.arguments[0])
    var environment = ProcessInfo.processInfo.environment
    // What the sweep's local pool gives each run (LocalProcessPool): one thread for Graft and OpenBLAS.
    environment["GRAFT_THREADS"] = "1"
    environment["OPENBLAS_NUM_THREADS"] = "1"
    if !json { FileHandle.standardError.write(Data("bench: \(name.rawValue): starting \(members) members…\n".utf8)) }
    let servers = try (0..<members).map { seed in
      do {
        return try TorchBenchServer(
          executable: executable,
          arguments: ["bench", "--workloads", name.rawValue, "--member-seed", "\(seed)", "--threads", "1"],
          environment: environment, hint: "")
      } catch let problem as TorchBenchServer.Problem {
        throw ValidationError("a \(name.rawValue) member could not start: \(problem.message)")
      }
    }
    defer { for server in servers { server.close() } }
    var torch: TorchBenchServer?
    if torchProblem == nil {
      do {
        torch = try TorchBenchServer(
          python: python, script: torchScript, workload: name.rawValue, threads: threads,
          extraArguments: ["--seeds-batch", "\(seedsBatch)"])
        torchVersion = torch?.version
      } catch {
        torchProblem = error.message
      }
    }
    var graftTimes: [Double] = []
    var memberTimes: [[Double]] = []
    var torchTimes: [Double] = []
    var ratios: [Double] = []
    var memberSteps = 0
    for round in 1...rounds {
      let label = rounds > 1 ? " round \(round)/\(rounds)" : ""
      if !json { FileHandle.standardError.write(Data("bench: \(name.rawValue)\(label)…\n".utf8)) }
      // All members time at once; each reports its iterations and the seconds they took.
      do {
        for server in servers { try server.request(minReps: minReps, minSeconds: minSeconds) }
        var answers: [(ms: Double, iterations: Int, seconds: Double?)] = []
        for server in servers { answers.append(try server.timing()) }
        let perSecond = answers.reduce(0.0) { $0 + Double($1.iterations) / ($1.seconds ?? .nan) }
        guard perSecond.isFinite, perSecond > 0 else { throw ValidationError("a member reported no seconds") }
        graftTimes.append(1000 / perSecond)
        memberTimes.append(answers.map { $0.ms })
        memberSteps += answers.reduce(0) { $0 + $1.iterations }
      } catch let problem as TorchBenchServer.Problem {
        throw ValidationError("a \(name.rawValue) member failed: \(problem.message)")
      }
      guard let server = torch else { continue }
      do {
        let (ms, _) = try server.time(minReps: minReps, minSeconds: minSeconds)
        torchTimes.append(ms)
        ratios.append(graftTimes.last! / ms)
      } catch {
        torchProblem = error.message
        torch = nil
      }
    }
    torch?.close()
    var row: [String: Any] = [
      "workload": name.rawValue, "unit": "ms per member-step", "members": members,
      "graft_ms": Self.middle(graftTimes), "graft_ms_rounds": graftTimes, "graft_iterations": memberSteps,
      "graft_member_ms_rounds": memberTimes, "seeds_batch": seedsBatch,
    ]
    if let target = name.targetRatio { row["target_ratio"] = target }
    Self.addTorchColumns(&row, times: torchTimes, ratios: ratios)
    return row
  }

  /// A member process of a seeds workload: an ordinary single-threaded trainer of the workload's preset
  /// with seed `seed`, answering "MIN_REPS MIN_SECONDS" lines on stdin with
  /// {"ms": median ms per iteration, "iterations": k, "seconds": total} until stdin closes.
  func serveMember(_ name: BenchWorkloadName, seed: Int) throws {
    Runtime.setThreads(1)
    var config = try TrainingConfig.preset(name.preset!)
    config.seed = UInt64(seed)
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("graft-bench-unused")
    let trainer = try Trainer(config: config, directory: directory)
    func say(_ object: [String: Any]) throws {
      let data = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
      FileHandle.standardOutput.write(data + Data("\n".utf8))
    }
    try say(["ready": true, "torch_version": "graft member"])
    var warmup = 3
    while let line = readLine() {
      let parts = line.split(separator: " ")
      guard parts.count == 2, let reps = Int(parts[0]), let seconds = Double(parts[1]) else { break }
      let (median, count, total) = try Self.timed(
        { _ = try trainer.benchmarkIteration() }, warmup: warmup, minReps: reps, minSeconds: seconds)
      warmup = 1
      try say(["ms": median * 1000, "iterations": count, "seconds": total])
    }
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
  /// Seeds of the ring8-mlp preset as `graft sweep` trains them: ms per member-step over the machine.
  case ring8Seeds = "ring8-seeds"
  /// Seeds of the theory preset, likewise.
  case theorySeeds = "theory-seeds"

  static var training: [BenchWorkloadName] { [.mlpGAN, .dcgan, .wganGP, .theory] }

  /// Graft time over PyTorch time that the performance issue asks for.
  var targetRatio: Double? {
    switch self {
    case .mlpGAN, .theory: 0.3
    case .dcgan, .wganGP: 0.6
    // Issue 24, goal 3: a sweep's cost per member-step ≤ 1/1.5 of the best batched PyTorch's.
    case .ring8Seeds, .theorySeeds: 1 / 1.5
    case .conv2d, .matmul: nil
    }
  }

  /// The share of the sgemm peak (see `BenchPeaks`) the performance issue asks the workload to reach:
  /// the convolutional workloads, whose work is nearly all products and convolutions.
  var targetShareOfSgemmPeak: Double? {
    switch self {
    case .dcgan, .wganGP: 0.7
    case .mlpGAN, .theory, .conv2d, .matmul, .ring8Seeds, .theorySeeds: nil
    }
  }

  /// The preset a seeds workload's members train (`graft sweep --preset`); nil for the others.
  var preset: String? {
    switch self {
    case .ring8Seeds: "ring8-mlp"
    case .theorySeeds: "theory"
    default: nil
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
