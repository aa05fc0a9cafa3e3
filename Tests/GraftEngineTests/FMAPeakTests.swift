import Foundation
import GraftEngine
import Testing

/// The FMA loop of `fma_peak.h`, chosen from the CPU's flags, measures a throughput (never checked
/// against a number: speed is measured by benchmarks, not tests).
@Suite("FMA peak")
struct FMAPeakTests {
  @Test(arguments: [1, 2, 3])
  func theFMALoopMeasuresAPositiveThroughput(threads: Int) throws {
    guard let kernel = FMAPeak.kernel else {
      // No FMA loop for this CPU: nothing is measured.
      #expect(FMAPeak.measure(threads: threads, seconds: 0.01) == nil)
      return
    }
    let gflops = try #require(FMAPeak.measure(threads: threads, seconds: 0.01))
    #expect(gflops > 0 && gflops.isFinite)
    #expect([4, 8, 16].contains(kernel.width))
  }

  /// The loop is the widest the CPU's flags allow.
  @Test func theFMALoopFollowsTheCPUFlags() throws {
    #if arch(x86_64)
      let cpuinfo = try String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8)
      let line = try #require(cpuinfo.split(separator: "\n").first { $0.hasPrefix("flags") })
      let flags = Set(line.split(separator: " ").map(String.init))
      let expected = flags.contains("avx512f") ? 16 : flags.isSuperset(of: ["avx2", "fma"]) ? 8 : nil
      #expect(FMAPeak.kernel?.width == expected)
    #endif
    if let clock = FMAPeak.clockMegahertz { #expect(clock > 0 && clock.isFinite) }
  }
}
