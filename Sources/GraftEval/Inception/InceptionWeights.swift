import Foundation
import GraftIO

#if canImport(FoundationNetworking)
  import FoundationNetworking
#endif

/// Where pytorch-fid's Inception weights come from: a path given, else a cached copy, else a download
/// from pytorch-fid's published URL into the cache, verified as `torch.hub` verifies it.
///
/// torch.hub's check: the hex digits after the last '-' of the file's name (`6726825d` in
/// `pt_inception-2015-12-05-6726825d.pth`) must begin the SHA-256 of its bytes. A download that fails
/// that check is refused and nothing is written; one cut short is tried again; the cache file appears
/// only whole (written atomically), so an interrupted download leaves no partial file.
public enum InceptionWeights {
  /// pytorch-fid's `FID_WEIGHTS_URL`.
  public static let publishedURL = URL(
    string: "https://github.com/mseitzer/pytorch-fid/releases/download/fid_weights/pt_inception-2015-12-05-6726825d.pth"
  )!

  /// Where the weights are downloaded from: `$GRAFT_INCEPTION_WEIGHTS_URL` (a mirror of the same file,
  /// named as published so that its hash prefix is checked), else pytorch-fid's URL.
  public static func source(environment: [String: String] = ProcessInfo.processInfo.environment) -> URL {
    environment["GRAFT_INCEPTION_WEIGHTS_URL"].flatMap { $0.isEmpty ? nil : URL(string: $0) } ?? publishedURL
  }

  /// Why the weights could not be had: one line naming what was tried, where to put the file, the flag.
  public struct Unavailable: Error, CustomStringConvertible, LocalizedError {
    public let description: String
    public var errorDescription: String? { description }
  }

  /// The cache directory: `$GRAFT_CACHE_DIR`, else `$XDG_CACHE_HOME/graft`, else `~/.cache/graft`.
  public static func cacheDirectory(environment: [String: String] = ProcessInfo.processInfo.environment) -> URL {
    if let dir = environment["GRAFT_CACHE_DIR"], !dir.isEmpty { return URL(fileURLWithPath: dir) }
    if let xdg = environment["XDG_CACHE_HOME"], !xdg.isEmpty {
      return URL(fileURLWithPath: xdg).appendingPathComponent("graft")
    }
    return FileManager.default.homeDirectoryForCurrentUser.appendingPathComponent(".cache/graft")
  }

  /// The SHA-256 prefix a file name promises: the hex digits after its last '-' (before the extension),
  /// or nil when there are none (torch.hub's `HASH_REGEX`, `-([a-f0-9]*)\.`).
  public static func hashPrefix(ofFileName name: String) -> String? {
    let stem = name.split(separator: ".").first.map(String.init) ?? name
    guard let dash = stem.lastIndex(of: "-") else { return nil }
    let digits = stem[stem.index(after: dash)...]
    guard !digits.isEmpty, digits.allSatisfy({ $0.isHexDigit && !$0.isUppercase }) else { return nil }
    return String(digits)
  }

  /// The cached copy of `source`'s file in `cache`, if it is there (nothing is downloaded).
  public static func cached(source: URL = source(), cache: URL = cacheDirectory()) -> URL? {
    let target = cache.appendingPathComponent(source.lastPathComponent)
    return FileManager.default.fileExists(atPath: target.path) ? target : nil
  }

  /// The weights file: `path` when given (not checked here: the reader checks it), else the copy in
  /// `cache` named as `source`'s last path component, else `source` downloaded into `cache` (up to
  /// `attempts` tries) and verified against the prefix in its name. `flag` is the option messages name.
  ///
  /// Throws `Unavailable` when the download fails or is refused.
  public static func locate(
    path: String? = nil, source: URL = source(), cache: URL = cacheDirectory(), attempts: Int = 3,
    flag: String = "--inception-weights", log: (String) -> Void = { _ in }
  ) throws -> URL {
    if let path { return URL(fileURLWithPath: path) }
    if let cached = cached(source: source, cache: cache) { return cached }
    let name = source.lastPathComponent
    let target = cache.appendingPathComponent(name)
    let advice =
      "put \(name) (from \(source.absoluteString)) in \(cache.path), or pass its path with \(flag)"
    var failures: [String] = []
    for attempt in 1...max(attempts, 1) {
      log("graft: downloading \(source.absoluteString) (attempt \(attempt) of \(max(attempts, 1)))")
      switch download(source) {
      case .failure(let reason):
        failures.append(reason)
        continue
      case .success(let data):
        let digest = SHA256()
        data.withUnsafeBytes { digest.update($0) }
        let hex = digest.hexDigest()
        if let prefix = hashPrefix(ofFileName: name), !hex.hasPrefix(prefix) {
          throw Unavailable(
            description:
              "refused the download of \(source.absoluteString): its SHA-256 is \(hex.prefix(12))…, not \(prefix)… as "
              + "its name promises (a wrong or tampered file); nothing was written; \(advice)")
        }
        do {
          try FileManager.default.createDirectory(at: cache, withIntermediateDirectories: true)
          try AtomicFile.write(data, to: target)
        } catch {
          throw Unavailable(description: "cannot write \(target.path) (\(error)); \(advice)")
        }
        return target
      }
    }
    throw Unavailable(
      description:
        "could not download \(source.absoluteString) (\(failures.last ?? "no attempt"), \(failures.count) attempts); \(advice)"
    )
  }

  /// A download's outcome: the body, or why there is none.
  private enum Download {
    case success(Data)
    case failure(String)
  }

  /// The body of `url`, or why not (an HTTP status other than 200, a connection cut short, no network).
  private static func download(_ url: URL) -> Download {
    final class Outcome: @unchecked Sendable { var result: Download = .failure("no answer") }
    let outcome = Outcome()
    let done = DispatchSemaphore(value: 0)
    let configuration = URLSessionConfiguration.ephemeral
    configuration.timeoutIntervalForRequest = 60
    let session = URLSession(configuration: configuration)
    let task = session.dataTask(with: url) { data, response, error in
      defer { done.signal() }
      if let error {
        outcome.result = .failure((error as NSError).localizedDescription)
        return
      }
      let status = (response as? HTTPURLResponse)?.statusCode ?? 0
      guard status == 200, let data else {
        outcome.result = .failure("HTTP status \(status)")
        return
      }
      if let expected = response?.expectedContentLength, expected >= 0, Int64(data.count) != expected {
        outcome.result = .failure("the connection closed after \(data.count) of \(expected) bytes")
        return
      }
      outcome.result = .success(data)
    }
    task.resume()
    done.wait()
    session.finishTasksAndInvalidate()
    return outcome.result
  }
}
