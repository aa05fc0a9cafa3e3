import CMalloc
import COpenBLAS
import Foundation

/// Process-wide settings of the libraries under the engine: OpenBLAS and the C allocator.
public enum Runtime {
  /// Everything a training program should call first: faster BLAS kernels (may restart the process
  /// once, see `restartWithFasterKernelsIfNeeded`) and allocator reuse (see `keepFreedMemoryForReuse`).
  public static func prepareForTraining() {
    restartWithFasterKernelsIfNeeded()
    keepFreedMemoryForReuse()
  }

  /// Makes glibc keep large freed blocks in its heap instead of returning them to the kernel.
  ///
  /// Training allocates and frees the same large buffers (im2col columns, activations) every step. By
  /// default glibc serves them with fresh mmap'd pages, and the page faults that fill those pages cost
  /// more than the convolution's copies (measured: conv2d forward+backward 58 ms → 42 ms at batch 64).
  public static func keepFreedMemoryForReuse() {
    _ = mallopt(M_MMAP_THRESHOLD, 32 << 20)  // glibc's maximum on 64-bit
    _ = mallopt(M_TRIM_THRESHOLD, Int32.max)
  }

  /// Sets the number of threads OpenBLAS uses for matrix products.
  public static func setBLASThreads(_ count: Int) {
    openblas_set_num_threads(Int32(count))
  }

  /// Sets the number of threads of both OpenBLAS and Graft's own kernels (im2col, element-wise, ...).
  public static func setThreads(_ count: Int) {
    precondition(count > 0, "Runtime.setThreads: need at least one thread, got \(count)")
    setBLASThreads(count)
    Parallel.threadCount.store(count, ordering: .relaxed)
  }

  /// The most memory this process has had resident so far, in megabytes (getrusage's ru_maxrss).
  public static var peakResidentMegabytes: Double {
    var usage = rusage()
    getrusage(RUSAGE_SELF.rawValue, &usage)
    return Double(usage.ru_maxrss) / 1024
  }

  /// The kernel set OpenBLAS chose for this CPU (e.g. "SkylakeX", "Haswell", "Prescott").
  public static var blasCoreName: String {
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
      blasCoreName.lowercased() == "prescott",
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
