import CGlibcExtras
import Dispatch
import Foundation
import Synchronization

/// The fused multiply-add peak of this machine, measured: the widest FMA loop the CPU can run
/// (`fma_peak.h`: 12 independent accumulator chains) on several threads at once. No kernel of Graft's
/// can exceed it; how close a workload comes says how much is left.
public enum FMAPeak {
  /// An FMA loop of `fma_peak.h`.
  public struct Kernel: Sendable {
    /// The instruction set it uses: "AVX-512", "AVX2" or "NEON".
    public let name: String
    /// Floats per FMA instruction.
    public let width: Int
    /// Runs the loop for the given number of rounds; returns the floating-point operations done.
    let rounds: @Sendable (Int) -> Double
  }

  /// The widest FMA loop this CPU can run, chosen from /proc/cpuinfo's flags (which list only what the
  /// operating system has enabled); nil without one (x86-64 before Haswell, other architectures). With
  /// `DNNL_MAX_CPU_ISA` set below AVX-512 (how an AVX2 machine is imitated, see the Makefile's
  /// test-outcomes), the AVX2 loop, as oneDNN then runs AVX2 kernels.
  public static let kernel: Kernel? = {
    #if arch(x86_64)
      let flags = Runtime.cpuFlags
      let isa = ProcessInfo.processInfo.environment["DNNL_MAX_CPU_ISA"]?.uppercased()
      if flags.contains("avx512f") && (isa == nil || isa!.hasPrefix("AVX512") || isa == "ALL") {
        return Kernel(name: "AVX-512", width: 16) { graft_fma_rounds_avx512($0) }
      }
      if flags.isSuperset(of: ["avx2", "fma"]) { return Kernel(name: "AVX2", width: 8) { graft_fma_rounds_avx2($0) } }
      return nil
    #elseif arch(arm64)
      return Kernel(name: "NEON", width: 4) { graft_fma_rounds_neon($0) }
    #else
      return nil
    #endif
  }()

  /// The clock in MHz that /proc/cpuinfo's "cpu MHz" lines give (their mean over the cores): on a virtual
  /// machine usually the nominal clock, not the one the cores run at. Nil where there are no such lines.
  public static var clockMegahertz: Double? {
    let values = Runtime.cpuinfoValues("cpu MHz").compactMap { Double($0) }
    return values.isEmpty ? nil : values.reduce(0, +) / Double(values.count)
  }

  /// Rounds of `kernel` per second on one thread, measured once (the first loop of at least 20 ms).
  private static let roundsPerSecond: Double? = {
    guard let kernel else { return nil }
    var rounds = 1 << 14
    while true {
      let start = DispatchTime.now().uptimeNanoseconds
      _ = kernel.rounds(rounds)
      let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
      if seconds >= 0.02 || rounds >= 1 << 40 { return Double(rounds) / max(seconds, 1e-9) }
      rounds *= 4
    }
  }()

  /// Runs `kernel` on `threads` threads at once, for about `seconds` each, and returns their GFLOP/s
  /// together: all the FLOPs over the time from the first thread's start to the last one's end. Nil when
  /// the CPU has no FMA loop here.
  public static func measure(threads: Int, seconds: Double = 0.05) -> Double? {
    precondition(threads > 0, "FMAPeak.measure: need at least one thread, got \(threads)")
    guard let kernel, let roundsPerSecond else { return nil }
    let rounds = max(1, Int(roundsPerSecond * seconds))
    // Each thread's start and end (uptime ns) and FLOPs, written only by that thread.
    let results = UnsafeMutablePointer<(start: UInt64, end: UInt64, flops: Double)>.allocate(capacity: threads)
    results.initialize(repeating: (0, 0, 0), count: threads)
    defer { results.deallocate() }
    let ready = Barrier()
    let shared = UncheckedSendable((results, kernel))
    let run: @Sendable (Int) -> Void = { index in
      // Every thread waits for the others before it starts, so that they run at the same time.
      ready.count.add(1, ordering: .acquiringAndReleasing)
      while ready.count.load(ordering: .acquiring) < threads {}
      let start = DispatchTime.now().uptimeNanoseconds
      let flops = shared.value.1.rounds(rounds)
      shared.value.0[index] = (start, DispatchTime.now().uptimeNanoseconds, flops)
    }
    let group = DispatchGroup()
    for index in 1..<threads {
      group.enter()
      let thread = Thread {
        run(index)
        group.leave()
      }
      thread.name = "graft-fma-peak"
      thread.start()
    }
    run(0)
    group.wait()
    let all = UnsafeBufferPointer(start: results, count: threads)
    let span = all.map(\.end).max()! - all.map(\.start).min()!
    return all.map(\.flops).reduce(0, +) / Double(max(span, 1))
  }

  /// The threads of a measurement that have arrived at its start.
  private final class Barrier: Sendable {
    let count = Atomic<Int>(0)
  }
}
