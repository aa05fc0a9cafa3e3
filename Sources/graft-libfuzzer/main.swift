// graft-libfuzzer: the readers of the files Graft is given under libFuzzer (issue 28), built with
// `swift build --sanitize=fuzzer --sanitize=address` (`make fuzz`). libFuzzer supplies `main`, mutates
// inputs guided by coverage, and keeps any input that crashes as crash-<sha1>.
//
//   GRAFT_FUZZ_TARGET=npy graft-libfuzzer NEW_CORPUS_DIR Tests/Fuzz/Corpus/npy -runs=100000 -seed=1
//
// Each input is read by the target (`FuzzTarget.all`). A refusal is fine; a refusal whose message is more
// than one line or carries raw Foundation or Swift error text is turned into a crash, so libFuzzer keeps
// that input too. A trap, a memory error (AddressSanitizer) or a hang (`-timeout`) is a crash by itself.
import Foundation
import GraftFuzzTargets

#if canImport(Glibc)
  import Glibc
#endif

/// The target named by GRAFT_FUZZ_TARGET and the file the path-taking readers get each input as.
let fuzzed: (target: FuzzTarget, file: URL) = {
  let name = ProcessInfo.processInfo.environment["GRAFT_FUZZ_TARGET"] ?? ""
  guard let target = FuzzTarget.all.first(where: { $0.name == name }) else {
    let names = FuzzTarget.all.map(\.name).joined(separator: ", ")
    FileHandle.standardError.write(Data("graft-libfuzzer: set GRAFT_FUZZ_TARGET to one of \(names)\n".utf8))
    exit(2)
  }
  let root =
    FileManager.default.isWritableFile(atPath: "/dev/shm")
    ? URL(fileURLWithPath: "/dev/shm") : FileManager.default.temporaryDirectory
  return (target, root.appendingPathComponent("graft-libfuzzer-\(getpid())\(target.fileSuffix)"))
}()

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ start: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
  let data = start.map { Data(bytes: $0, count: count) } ?? Data()
  if fuzzed.target.usesFile { try? data.write(to: fuzzed.file) }
  do {
    try fuzzed.target.read(data, fuzzed.file)
  } catch {
    let message = "\(error)"
    if !FuzzTarget.isFit(message) {
      FileHandle.standardError.write(Data("graft-libfuzzer: \(fuzzed.target.name): unfit message: \(message)\n".utf8))
      abort()
    }
  }
  return 0
}
