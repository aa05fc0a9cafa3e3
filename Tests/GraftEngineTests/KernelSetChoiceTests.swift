import GraftEngine
import Testing

/// Which OpenBLAS kernel set `graft` restarts itself with, from the set OpenBLAS chose and the CPU's
/// /proc/cpuinfo flags: OpenBLAS 0.3.21 runs its generic SSE3 kernels on CPUs it does not know
/// (Sapphire Rapids), and only that choice is replaced.
@Suite("The OpenBLAS kernel set for the CPU")
struct KernelSetChoiceTests {
  static let avx2: Set<String> = ["sse4_2", "avx", "avx2", "fma"]
  static let avx512 = avx2.union(["avx512f", "avx512cd", "avx512dq", "avx512bw", "avx512vl"])

  @Test(
    arguments: [
      // The generic set on an AVX-512 CPU, and on an AVX2 one.
      ("Prescott", avx512, "SkylakeX"),
      ("PRESCOTT", avx512.union(["avx512_bf16"]), "SkylakeX"),
      ("Prescott", avx2, "Haswell"),
      // Any other set stays, whether OpenBLAS chose it for a CPU it knows or was told to use it.
      ("Zen", avx2, nil),
      ("Haswell", avx512, nil),
      ("SkylakeX", avx512, nil),
      ("Cooperlake", avx512.union(["avx512_bf16"]), nil),
      // Nothing faster to ask for: AVX without AVX2, and AVX-512F without the rest (Knights Landing) but AVX2.
      ("Prescott", ["sse4_2", "avx"], nil),
      ("Prescott", avx2.union(["avx512f", "avx512cd"]), "Haswell"),
    ] as [(String, Set<String>, String?)])
  func replacesOnlyTheGenericSet(chosen: String, flags: Set<String>, expected: String?) {
    #expect(Runtime.suggestedCoreType(chosen: chosen, cpuFlags: flags) == expected)
  }

  /// A note where OPENBLAS_CORETYPE holds OpenBLAS to narrower vectors than the CPU has, none otherwise.
  @Test func notesKernelsNarrowerThanTheCPU() throws {
    let zen5 = Self.avx512.union(["avx512_bf16"])
    let note = try #require(Runtime.blasCoreTypeNote(forced: "Haswell", running: "Haswell", cpuFlags: zen5))
    #expect(note.contains("OPENBLAS_CORETYPE=Haswell") && note.contains("AVX2 kernels") && note.contains("AVX-512 CPU"))
    #expect(Runtime.blasCoreTypeNote(forced: "sandybridge", running: "Sandybridge", cpuFlags: Self.avx2) != nil)
    #expect(Runtime.blasCoreTypeNote(forced: "Prescott", running: "Prescott", cpuFlags: ["sse4_2", "avx"]) != nil)
    // As wide as the CPU, or wider (OpenBLAS would not run it, but that is not this note's business).
    #expect(Runtime.blasCoreTypeNote(forced: "SkylakeX", running: "SkylakeX", cpuFlags: zen5) == nil)
    #expect(Runtime.blasCoreTypeNote(forced: "Zen", running: "Zen", cpuFlags: Self.avx2) == nil)
    #expect(Runtime.blasCoreTypeNote(forced: "Cooperlake", running: "Cooperlake", cpuFlags: Self.avx2) == nil)
    #expect(
      Runtime.blasCoreTypeNote(forced: "Sandybridge", running: "Sandybridge", cpuFlags: ["sse4_2", "avx"]) == nil)
  }
}
