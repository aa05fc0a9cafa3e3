import Foundation
import GraftBuildInfo
import GraftEngine

/// What a run's numbers may depend on besides its config: the code (the commit the binary was built
/// from), and the arithmetic underneath (OpenBLAS's kernel set and oneDNN's instruction set, which round
/// differently on different CPUs, and the CPU). Recorded in config.json (when the run starts) and summary.json (when it ends; a
/// resumed run may end on another machine).
///
/// The thread count is recorded for completeness; results do not depend on it (tested).
public struct Provenance: Codable, Sendable, Equatable {
  /// The git commit the binary was built from (nil when it was not built in a git checkout).
  public var gitCommit: String?
  /// Whether the sources (Sources/, Plugins/, Package.swift) differed from that commit when the binary
  /// was built.
  public var sourcesModified: Bool
  /// Graft's worker threads (`GRAFT_THREADS`, else the core count).
  public var threads: Int
  /// The kernel set OpenBLAS runs (e.g. "Haswell", "SkylakeX"; `OPENBLAS_CORETYPE` picks another).
  public var blasCoreType: String
  /// The CPU's model name, from /proc/cpuinfo.
  public var cpuModel: String
  /// The instruction set of oneDNN's convolution kernels (e.g. "avx512_core"; `DNNL_MAX_CPU_ISA` lowers
  /// it); nil in runs written before Graft used oneDNN.
  public var convolutionInstructionSet: String?

  public init(
    gitCommit: String?, sourcesModified: Bool, threads: Int, blasCoreType: String, cpuModel: String,
    convolutionInstructionSet: String? = nil
  ) {
    self.gitCommit = gitCommit
    self.sourcesModified = sourcesModified
    self.threads = threads
    self.blasCoreType = blasCoreType
    self.cpuModel = cpuModel
    self.convolutionInstructionSet = convolutionInstructionSet
  }

  /// This process's provenance.
  public static var current: Provenance {
    Provenance(
      gitCommit: BuildInfo.commit, sourcesModified: BuildInfo.sourcesModified, threads: Parallel.threads,
      blasCoreType: Runtime.blasCoreName, cpuModel: cpuModelName(),
      convolutionInstructionSet: Runtime.convolutionInstructionSet)
  }

  /// The first "model name" of /proc/cpuinfo, else the machine architecture.
  static func cpuModelName() -> String {
    if let model = Runtime.cpuinfoValues("model name").first { return model }
    var name = utsname()
    uname(&name)
    return withUnsafeBytes(of: &name.machine) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
  }

  /// One line for people: "commit 7b4f6e89c2 (modified), OpenBLAS Haswell, 2 threads, AMD EPYC".
  public var line: String {
    let commit = gitCommit.map { String($0.prefix(10)) + (sourcesModified ? " (modified)" : "") } ?? "unknown"
    let dnnl = convolutionInstructionSet.map { ", oneDNN \($0)" } ?? ""
    return "commit \(commit), OpenBLAS \(blasCoreType)\(dnnl), \(threads) thread\(threads == 1 ? "" : "s"), \(cpuModel)"
  }
}
