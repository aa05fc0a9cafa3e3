import Foundation

#if canImport(Glibc)
  import Glibc
#endif

/// The PIDs of the live processes whose command line mentions `text` (as `pgrep -f` finds them; a
/// zombie's command line is empty).
func processes(mentioning text: String) -> [Int32] {
  let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
  return entries.compactMap { entry -> Int32? in
    guard let pid = Int32(entry), pid != getpid(),
      let data = FileManager.default.contents(atPath: "/proc/\(entry)/cmdline")
    else { return nil }
    let words = data.split(separator: 0).map { String(decoding: $0, as: UTF8.self) }
    return words.contains { $0.contains(text) } ? pid : nil
  }
}

/// Polls `condition` every 20 ms for at most `seconds`; whether it came true.
func waitFor(seconds: Double, _ condition: () -> Bool) -> Bool {
  let deadline = Date().addingTimeInterval(seconds)
  while Date() < deadline {
    if condition() { return true }
    usleep(20_000)
  }
  return condition()
}
