// graft-fuzz: a seeded mutation fuzzer for the readers of the files Graft is given (issue 28). libFuzzer
// (`swift build -sanitize=fuzzer`) needs a toolchain built with it; this loop needs nothing and gives the
// same input for the same seed, so any failure reproduces from the line it prints.
//
//   graft-fuzz CORPUS_DIR [--inputs N] [--seed S] [--only TARGET]
//
// For each target (a folder of CORPUS_DIR holding real files), N inputs: a corpus file mutated a few times
// (bit flips, bytes set to edge values, insertions, deletions, repeated or spliced ranges, truncation,
// numbers in text made huge or negative). Each input is read; a refusal must be one line that names the
// input and carries no raw Foundation or Swift error text. A trap or a hang (2 s) writes the input to
// fuzz-failure-TARGET.bin, says so and exits non-zero.
import Foundation
import GraftEngine
import GraftFuzzTargets

#if canImport(Glibc)
  import Glibc
#endif

/// One line to standard output at once: a trap ends the process with _exit, which flushes no buffer.
func say(_ line: String) { FileHandle.standardOutput.write(Data((line + "\n").utf8)) }
// In memory where there is a tmpfs: the path-taking readers get each input as a file.
let scratchRoot =
  FileManager.default.isWritableFile(atPath: "/dev/shm")
  ? URL(fileURLWithPath: "/dev/shm") : FileManager.default.temporaryDirectory
let scratch = scratchRoot.appendingPathComponent("graft-fuzz-\(getpid())")
try? FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
defer { try? FileManager.default.removeItem(at: scratch) }

// MARK: Arguments

func option(_ name: String, in arguments: inout [String]) -> String? {
  guard let i = arguments.firstIndex(of: name), i + 1 < arguments.count else { return nil }
  defer { arguments.removeSubrange(i...(i + 1)) }
  return arguments[i + 1]
}
var arguments = Array(CommandLine.arguments.dropFirst())
let inputs = Int(option("--inputs", in: &arguments) ?? "100000") ?? 100_000
let seed = UInt64(option("--seed", in: &arguments) ?? "1") ?? 1
let only = option("--only", in: &arguments)
guard let corpusPath = arguments.first else {
  FileHandle.standardError.write(Data("usage: graft-fuzz CORPUS_DIR [--inputs N] [--seed S] [--only TARGET]\n".utf8))
  exit(2)
}
let corpusRoot = URL(fileURLWithPath: corpusPath)

// MARK: Traps and hangs

/// The input being read, for the signal handlers (raw memory: a handler may only call async-signal-safe
/// functions).
nonisolated(unsafe) var current: (pointer: UnsafeMutableRawPointer, count: Int) = (UnsafeMutableRawPointer.allocate(byteCount: 1 << 22, alignment: 8), 0)
nonisolated(unsafe) var failureFile: UnsafeMutablePointer<CChar> = strdup("fuzz-failure.bin")!

func onFailure(_ signal: Int32) {
  let fd = open(failureFile, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
  if fd >= 0 {
    _ = write(fd, current.pointer, current.count)
    close(fd)
  }
  let message = signal == SIGALRM ? "graft-fuzz: HANG (over 2 s); the input is in " : "graft-fuzz: CRASH; the input is in "
  _ = message.withCString { write(2, $0, strlen($0)) }
  _ = write(2, failureFile, strlen(failureFile))
  _ = "\n".withCString { write(2, $0, 1) }
  _exit(3)
}
for s in [SIGILL, SIGTRAP, SIGSEGV, SIGBUS, SIGFPE, SIGABRT, SIGALRM] { signal(s, onFailure) }

// MARK: Mutations

let edgeBytes: [UInt8] = [0, 1, 0x7f, 0x80, 0xff, 0x22, 0x5c, 0x2c, 0x7b, 0x7d, 0x5b, 0x5d, 0x3a, 0x2d, 0x30, 0x39, 0x0a]
let edgeNumbers = ["0", "-1", "-50", "9223372036854775807", "18446744073709551616", "1e308", "-1e308", "nan", "4294967295", "2147483648", "1e-320"]

func mutate(_ input: [UInt8], corpus: [[UInt8]], rng: inout RandomGenerator) -> [UInt8] {
  func below(_ n: Int) -> Int { Int(rng.next() % UInt64(max(n, 1))) }
  var bytes = input
  for _ in 0..<(1 + below(4)) {
    let n = bytes.count
    switch below(9) {
    case 0 where n > 0: bytes[below(n)] ^= UInt8(1 << below(8))
    case 1 where n > 0: bytes[below(n)] = edgeBytes[below(edgeBytes.count)]
    case 2: bytes.insert(contentsOf: (0..<(1 + below(8))).map { _ in UInt8(truncatingIfNeeded: rng.next()) }, at: below(n + 1))
    case 3 where n > 0:
      let start = below(n)
      bytes.removeSubrange(start..<min(n, start + 1 + below(16)))
    case 4 where n > 0:
      let start = below(n)
      let piece = bytes[start..<min(n, start + 1 + below(64))]
      bytes.insert(contentsOf: piece, at: below(n + 1))
    case 5 where n > 0: bytes.removeSubrange(below(n)..<n)
    case 6:
      let other = corpus[below(corpus.count)]
      if !other.isEmpty, n > 0 {
        let start = below(other.count)
        bytes.replaceSubrange(below(n)..<n, with: other[start..<min(other.count, start + 1 + below(256))])
      }
    case 7, 8:
      // A run of digits made an edge number.
      let digits = bytes.indices.filter { (0x30...0x39).contains(bytes[$0]) }
      guard let at = digits.isEmpty ? nil : digits[below(digits.count)] else { break }
      var end = at
      while end < bytes.count && (0x30...0x39).contains(bytes[end]) { end += 1 }
      var start = at
      while start > 0 && (0x30...0x39).contains(bytes[start - 1]) { start -= 1 }
      bytes.replaceSubrange(start..<end, with: Array(edgeNumbers[below(edgeNumbers.count)].utf8))
    default: break
    }
  }
  return bytes
}

// MARK: The loop

var rng = RandomGenerator(seed: seed)
var failed = false
let started = Date()
for target in FuzzTarget.all where only == nil || only == target.name {
  let folder = corpusRoot.appendingPathComponent(target.name)
  let files = ((try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []).sorted()
  let corpus = files.compactMap { FileManager.default.contents(atPath: folder.appendingPathComponent($0).path) }
    .map { [UInt8]($0) }
  guard !corpus.isEmpty else {
    say("graft-fuzz: \(target.name): no seed files in \(folder.path)")
    failed = true
    continue
  }
  free(failureFile)
  failureFile = strdup("fuzz-failure-\(target.name).bin")!
  let file = scratch.appendingPathComponent("input" + target.fileSuffix)
  var refused = 0
  var badMessages = 0
  let targetStart = Date()
  for i in 0..<inputs {
    let pick = Int(rng.next() % UInt64(corpus.count))
    let input = i < corpus.count ? corpus[i] : mutate(corpus[pick], corpus: corpus, rng: &rng)
    let count = min(input.count, 1 << 22)
    input.withUnsafeBytes { current.pointer.copyMemory(from: $0.baseAddress!, byteCount: count) }
    current.count = count
    let data = Data(input)
    if target.usesFile { try? data.write(to: file) }
    alarm(2)
    do {
      try target.read(data, file)
    } catch {
      refused += 1
      let text = "\(error)"
      if !FuzzTarget.isFit(text) {
        badMessages += 1
        if badMessages <= 3 {
          say("graft-fuzz: \(target.name): input \(i) (seed \(seed)) is refused with an unfit message: \(text)")
          try? data.write(to: URL(fileURLWithPath: "fuzz-message-\(target.name)-\(i).bin"))
        }
      }
    }
    alarm(0)
  }
  let seconds = Date().timeIntervalSince(targetStart)
  say(
    "graft-fuzz: \(target.name): \(inputs) inputs (\(corpus.count) seed files) in \(String(format: "%.1f", seconds)) s: "
      + "no trap, no hang; \(refused) refused, \(badMessages) with an unfit message")
  if badMessages > 0 { failed = true }
}
say("graft-fuzz: done in \(String(format: "%.1f", Date().timeIntervalSince(started))) s")
exit(failed ? 1 : 0)
