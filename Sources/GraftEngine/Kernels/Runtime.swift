import CGlibcExtras
import CGraftDNNL
import COpenBLAS
import Foundation
import Synchronization

/// Process-wide settings of the libraries under the engine: OpenBLAS and the C allocator.
public enum Runtime {
  /// Everything a training program should call first: faster BLAS kernels (may restart the process
  /// once, see `restartWithFasterKernelsIfNeeded`) and allocator reuse (see `keepFreedMemoryForReuse`).
  public static func prepareForTraining() {
    restartWithFasterKernelsIfNeeded()
    keepFreedMemoryForReuse()
  }

  /// Makes standard output (`print`) reach a file or pipe line by line, as it reaches a terminal, so that a
  /// long command's log (`graft reproduce ... > log`) shows each line when it is printed, not minutes later.
  public static func flushStandardOutputByLine() {
    graft_flush_standard_output_by_line()
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

  /// As `keepFreedMemoryForReuse`, for blocks of any size: from now on glibc maps none, so blocks over
  /// its 32 MB threshold come from the heap too and are reused once freed.
  ///
  /// For work whose tensors are larger than that: Inception-v3's activations for a batch of 25 images
  /// reach 140 MB, and mapping each afresh took a second of system time for 50 images (of 6–7 s). Not
  /// for training, whose blocks stay under 32 MB: there it only keeps a large block read once (the data
  /// set's file) for the rest of the process (+39 MB for the protocol's DCGAN).
  public static func takeEveryBlockFromTheHeap() {
    keepFreedMemoryForReuse()
    _ = mallopt(M_MMAP_MAX, 0)
  }

  /// Sets the number of threads of Graft's kernels: matrix products (see `BLASProducts`), im2col,
  /// element-wise ops, reductions and copies. The default is `GRAFT_THREADS`, else the core count.
  public static func setThreads(_ count: Int) {
    precondition(count > 0, "Runtime.setThreads: need at least one thread, got \(count)")
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

  /// The instruction set oneDNN's convolution kernels use here (e.g. "avx512_core", "avx2"), which rounds
  /// differently from one to the other; `DNNL_MAX_CPU_ISA=AVX2` imitates an AVX2 machine.
  public static var convolutionInstructionSet: String { String(cString: graft_dnnl_isa()) }

  /// The values of /proc/cpuinfo's lines named `key` ("flags", "model name", "cpu MHz"), one per core;
  /// empty where the file cannot be read.
  public static func cpuinfoValues(_ key: String) -> [String] {
    guard let cpuinfo = try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8) else { return [] }
    return cpuinfo.split(separator: "\n").compactMap { line in
      let parts = line.split(separator: ":", maxSplits: 1)
      guard parts.count == 2, parts[0].trimmingCharacters(in: .whitespaces) == key else { return nil }
      return parts[1].trimmingCharacters(in: .whitespaces)
    }
  }

  /// The CPU features of /proc/cpuinfo's first "flags" line (those the operating system has enabled).
  public static var cpuFlags: Set<String> {
    Set(cpuinfoValues("flags").first?.split(separator: " ").map(String.init) ?? [])
  }

  /// The kernel set to ask for when OpenBLAS fell back to its generic one, or nil when it did not (or
  /// `OPENBLAS_CORETYPE` is set: the user's choice stands).
  ///
  /// Debian 12's OpenBLAS 0.3.21 predates some CPUs (Sapphire Rapids among them): it does not
  /// recognise them and runs its "Prescott" SSE3 kernels, 4–8x slower than the AVX-512 ones the CPU
  /// can run. OpenBLAS reads `OPENBLAS_CORETYPE` only while loading, so a program must set it before
  /// it starts; `restartWithFasterKernelsIfNeeded` does that for the command-line tool.
  public static func suggestedCoreType() -> String? {
    guard ProcessInfo.processInfo.environment["OPENBLAS_CORETYPE"] == nil else { return nil }
    return suggestedCoreType(chosen: blasCoreName, cpuFlags: cpuFlags)
  }

  /// The kernel set to ask for when OpenBLAS chose `chosen` on a CPU with these /proc/cpuinfo flags:
  /// SkylakeX (AVX-512) or Haswell (AVX2) in place of the generic "Prescott", nil otherwise.
  public static func suggestedCoreType(chosen: String, cpuFlags flags: Set<String>) -> String? {
    guard chosen.lowercased() == "prescott" else { return nil }
    switch VectorExtension(cpuFlags: flags) {
    case .avx512: return "SkylakeX"
    case .avx2: return "Haswell"
    case .avx, .sse: return nil
    }
  }

  /// A line saying that `OPENBLAS_CORETYPE` holds OpenBLAS to narrower vectors than this CPU has (an
  /// AVX2 set on an AVX-512 CPU: half the speed of its products), or nil when it does not or is not set.
  ///
  /// The variable is kept, as it should be (it reproduces another CPU's arithmetic), but a time measured
  /// under it is not this CPU's speed: an environment that exports `OPENBLAS_CORETYPE=Haswell` for every
  /// program made a Zen 5's 2048² product run at 236 GFLOP/s instead of 440.
  public static var blasCoreTypeNote: String? {
    guard let forced = ProcessInfo.processInfo.environment["OPENBLAS_CORETYPE"] else { return nil }
    return blasCoreTypeNote(forced: forced, running: blasCoreName, cpuFlags: cpuFlags)
  }

  /// The note for `OPENBLAS_CORETYPE=forced`, under which OpenBLAS runs the kernel set `running`, on a
  /// CPU with these /proc/cpuinfo flags.
  public static func blasCoreTypeNote(forced: String, running: String, cpuFlags flags: Set<String>) -> String? {
    let cpu = VectorExtension(cpuFlags: flags)
    let kernels = VectorExtension(openBLASCore: running)
    guard kernels < cpu else { return nil }
    return "OPENBLAS_CORETYPE=\(forced) holds OpenBLAS to \(kernels) kernels (\(running)) on this \(cpu) CPU, "
      + "slower than its own choice: unset the variable to time this CPU's speed"
  }

  /// The widest vector instructions a CPU or a kernel set uses.
  enum VectorExtension: Int, Comparable, CustomStringConvertible {
    case sse, avx, avx2, avx512

    init(cpuFlags flags: Set<String>) {
      if flags.isSuperset(of: ["avx512f", "avx512dq", "avx512bw", "avx512vl"]) {
        self = .avx512
      } else if flags.isSuperset(of: ["avx2", "fma"]) {
        self = .avx2
      } else {
        self = flags.contains("avx") ? .avx : .sse
      }
    }

    /// OpenBLAS 0.3.21's x86-64 kernel sets by the vectors their single-precision kernels use; Excavator
    /// counts with the rest of the Bulldozer family, written for AVX-era cores.
    init(openBLASCore name: String) {
      switch name.lowercased() {
      case "skylakex", "cooperlake", "sapphirerapids": self = .avx512
      case "haswell", "zen": self = .avx2
      case "sandybridge", "bulldozer", "piledriver", "steamroller", "excavator": self = .avx
      default: self = .sse
      }
    }

    static func < (a: Self, b: Self) -> Bool { a.rawValue < b.rawValue }

    var description: String {
      switch self {
      case .sse: "SSE"
      case .avx: "AVX"
      case .avx2: "AVX2"
      case .avx512: "AVX-512"
      }
    }
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

/// Matrix products through OpenBLAS, split across the cores by Graft itself.
///
/// OpenBLAS's own threads spin in `sched_yield` between products (measured: 35% of the MLP GAN's
/// cycles, and a whole core during the element-wise work between products of the DCGAN), so they would
/// fight Graft's kernels for the cores. OpenBLAS therefore runs on one thread, and large products are
/// cut into column (or row) blocks that Graft's worker threads compute at the same time.
///
/// The cut depends on the product's shape alone, never on the thread count: OpenBLAS may round a
/// block's numbers differently depending on the block's size (edge kernels, small-matrix paths), so a
/// cut that followed the threads would make a run's results depend on `GRAFT_THREADS`.
enum BLASProducts {
  /// m·n·k below which a product is one BLAS call.
  static let parallelFrom = 1 << 21
  /// Rows or columns per block: the unit in which a large product is cut.
  static let block = 16
  /// How many pieces a large product is cut into (fewer when it has fewer blocks). Four keeps two
  /// cores busy with pieces taken in turn (one core is often slower than the other on a virtual
  /// machine) without re-packing the other operand more than four times.
  static let pieces = 4
  /// m·n·k below which a product is cut into two pieces instead of `pieces`: every piece packs the
  /// shared operand again, and for products of a few million multiply-adds (the MLP GAN's 256x128x128)
  /// that packing costs more than the finer balance gains (one OpenBLAS call on 64 of 256 rows takes
  /// 28% of the whole call's time, not 25%).
  static let fourPiecesFrom = 1 << 23

  /// Whether a β = 0 product zeroes C itself and asks BLAS for C += α·op(A)·op(B). OpenBLAS's own β = 0
  /// pass, before every product, stores one number at a time except on its AVX-512 kernel sets: on a
  /// Zen 3 it was 5.6% of the protocol's DCGAN iteration and 4% of the MLP GAN's, and a 256x128x128
  /// product ran 7–9% faster with memset and β = 1. The values are the same: BLAS adds the product to
  /// zeros either way. The AVX-512 sets (SkylakeX, Cooperlake, SapphireRapids) keep β = 0: their β pass
  /// is vectorised and their small-matrix kernels write a β = 0 product without reading C.
  static let zeroesBeforeProducts: Bool = Runtime.VectorExtension(openBLASCore: Runtime.blasCoreName) != .avx512

  /// The β to pass BLAS for C = α·op(A)·op(B) + β·C: 1, after zeroing the m×n matrix C (row stride
  /// `ldc`), where β = 0 and `zeroesBeforeProducts`; β itself otherwise.
  @inline(__always)
  static func betaAfterZeroing<S: BinaryFloatingPoint>(
    _ beta: S, m: Int, n: Int, c: UnsafeMutablePointer<S>, ldc: Int
  ) -> S {
    guard beta == 0, m > 0, n > 0, zeroesBeforeProducts else { return beta }
    if ldc == n {
      memset(c, 0, m * n * MemoryLayout<S>.stride)
    } else {
      for row in 0..<m { memset(c + row * ldc, 0, n * MemoryLayout<S>.stride) }
    }
    return 1
  }

  /// OpenBLAS's own thread count, set to one before the first product.
  static let openBLASSingleThreaded: Void = { openblas_set_num_threads(1) }()

  /// C = op(A)·op(B) (row-major, leading dimensions as BLAS) through `serial`, a BLAS call for one block;
  /// cut along the longer side of C into two or `pieces` pieces when the product is large, the pieces
  /// spread over the cores.
  @inline(__always)
  static func gemm<S>(
    transA: Bool, transB: Bool, m: Int, n: Int, k: Int, a: UnsafePointer<S>, lda: Int, b: UnsafePointer<S>,
    ldb: Int, c: UnsafeMutablePointer<S>, ldc: Int,
    serial: (_ m: Int, _ n: Int, _ a: UnsafePointer<S>, _ b: UnsafePointer<S>, _ c: UnsafeMutablePointer<S>) -> Void
  ) {
    _ = openBLASSingleThreaded
    guard m &* n &* k >= parallelFrom, max(m, n) >= 2 * block else {
      serial(m, n, a, b, c)
      return
    }
    let side = max(m, n)
    let blocks = (side + block - 1) / block
    // Piece p covers blocks blocks·p/pieces ..< blocks·(p+1)/pieces, whatever the thread count.
    let cut = min(blocks, m &* n &* k >= fourPiecesFrom ? pieces : 2)
    if n >= m {
      // Columns j0..<j1 of C need columns j0..<j1 of op(B): rows of B when it is transposed.
      Parallel.forEachChunk(of: blocks, work: Int.max, pieces: cut) { range in
        let j0 = range.lowerBound * block
        let j1 = min(n, range.upperBound * block)
        serial(m, j1 - j0, a, b + (transB ? j0 * ldb : j0), c + j0)
      }
    } else {
      // Rows i0..<i1 of C need rows i0..<i1 of op(A): columns of A when it is transposed.
      Parallel.forEachChunk(of: blocks, work: Int.max, pieces: cut) { range in
        let i0 = range.lowerBound * block
        let i1 = min(m, range.upperBound * block)
        serial(i1 - i0, n, a + (transA ? i0 : i0 * lda), b, c + i0 * ldc)
      }
    }
  }
}
