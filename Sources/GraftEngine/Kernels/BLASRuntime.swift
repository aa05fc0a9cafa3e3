import COpenBLAS
import Foundation

/// OpenBLAS settings and the one fix-up its Debian build needs on recent CPUs.
public enum BLASRuntime {
  /// Sets the number of threads OpenBLAS uses for matrix products.
  public static func setThreads(_ count: Int) {
    openblas_set_num_threads(Int32(count))
  }

  /// The kernel set OpenBLAS chose for this CPU (e.g. "SkylakeX", "Haswell", "Prescott").
  public static var coreName: String {
    guard let name = openblas_get_corename() else { return "unknown" }
    return String(cString: name)
  }

  /// The kernel set to ask for when OpenBLAS fell back to its generic one, or nil when it did not.
  ///
  /// Debian 12's OpenBLAS 0.3.21 predates some CPUs (Sapphire Rapids among them): it does not
  /// recognise them and runs its "Prescott" SSE3 kernels, 4–8x slower than the AVX-512 ones the CPU
  /// can run. OpenBLAS reads `OPENBLAS_CORETYPE` only while loading, so a program must set it before
  /// it starts; `restartWithFasterKernelsIfNeeded` does that for the command-line tool.
  public static func suggestedCoreType() -> String? {
    guard ProcessInfo.processInfo.environment["OPENBLAS_CORETYPE"] == nil,
      coreName.lowercased() == "prescott",
      let cpuinfo = try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8),
      let flagsLine = cpuinfo.split(separator: "\n").first(where: { $0.hasPrefix("flags") })
    else { return nil }
    let flags = Set(flagsLine.split(separator: " ").map(String.init))
    if flags.isSuperset(of: ["avx512f", "avx512dq", "avx512bw", "avx512vl"]) { return "SkylakeX" }
    if flags.isSuperset(of: ["avx2", "fma"]) { return "Haswell" }
    return nil
  }

  /// Re-executes the current program once with `OPENBLAS_CORETYPE` set when OpenBLAS fell back to its
  /// generic kernels on a CPU that has faster ones (see `suggestedCoreType`). Returns if nothing is needed
  /// or the restart is impossible. Set `OPENBLAS_CORETYPE` yourself to skip it.
  public static func restartWithFasterKernelsIfNeeded() {
    guard let core = suggestedCoreType(), ProcessInfo.processInfo.environment["GRAFT_BLAS_RESTARTED"] == nil
    else { return }
    setenv("OPENBLAS_CORETYPE", core, 1)
    setenv("GRAFT_BLAS_RESTARTED", "1", 1)
    let arguments = CommandLine.arguments
    var cArguments: [UnsafeMutablePointer<CChar>?] = arguments.map { strdup($0) }
    cArguments.append(nil)
    execv("/proc/self/exe", &cArguments)
    // execv only returns on failure: carry on with the slow kernels.
  }
}
