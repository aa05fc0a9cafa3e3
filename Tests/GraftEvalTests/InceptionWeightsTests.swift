import Foundation
import GraftEval
import GraftIO
import GraftTestSupport
import Testing

#if canImport(Glibc)
  import Glibc
#endif

/// A one-thread HTTP/1.0 server on 127.0.0.1 (a free port) serving `payload` for any GET: whole, or,
/// for the first `cutShort` requests, with its full Content-Length but only half the bytes before the
/// connection closes (an interrupted download).
private final class LocalServer: @unchecked Sendable {
  let payload: [UInt8]
  private(set) var port: UInt16 = 0
  private let socketFD: Int32
  private let lock = NSLock()
  private var served = 0
  private let cutShort: Int
  private let finished = DispatchSemaphore(value: 0)

  init(payload: [UInt8], cutShort: Int = 0) throws {
    self.payload = payload
    self.cutShort = cutShort
    socketFD = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    address.sin_port = 0
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    let bound = withUnsafePointer(to: &address) {
      $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(socketFD, $0, length) }
    }
    guard bound == 0, listen(socketFD, 8) == 0 else { throw CocoaError(.fileWriteUnknown) }
    _ = withUnsafeMutablePointer(to: &address) {
      $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(socketFD, $0, &length) }
    }
    port = UInt16(bigEndian: address.sin_port)
    Thread.detachNewThread { [self] in serve() }
  }

  /// Requests answered so far.
  var requests: Int { lock.withLock { served } }

  private func serve() {
    defer { finished.signal() }
    while true {
      let client = accept(socketFD, nil, nil)
      if client < 0 { return }
      var request = [UInt8]()
      var buffer = [UInt8](repeating: 0, count: 4096)
      while !request.ends(with: Array("\r\n\r\n".utf8)) {
        let n = read(client, &buffer, buffer.count)
        if n <= 0 { break }
        request += buffer[0..<n]
      }
      let index = lock.withLock {
        served += 1
        return served
      }
      let body = index <= cutShort ? Array(payload.prefix(payload.count / 2)) : payload
      let header = "HTTP/1.0 200 OK\r\nContent-Length: \(payload.count)\r\nConnection: close\r\n\r\n"
      let response = Array(header.utf8) + body
      var sent = 0
      while sent < response.count {
        let n = response[sent...].withUnsafeBytes { write(client, $0.baseAddress, $0.count) }
        if n <= 0 { break }
        sent += n
      }
      shutdown(client, Int32(SHUT_RDWR))
      close(client)
    }
  }

  func url(_ name: String) -> URL { URL(string: "http://127.0.0.1:\(port)/weights/\(name)")! }

  func stop() {
    shutdown(socketFD, Int32(SHUT_RDWR))
    close(socketFD)
    finished.wait()
  }
}

extension Array where Element == UInt8 {
  fileprivate func ends(with suffix: [UInt8]) -> Bool {
    count >= suffix.count && Array(self[(count - suffix.count)...]) == suffix
  }
}

private func sha256Hex(_ bytes: [UInt8]) -> String {
  let digest = SHA256()
  digest.update(bytes)
  return digest.hexDigest()
}

@Suite("The Inception weights fetched once into the cache, verified as torch.hub does (a server on 127.0.0.1)")
struct InceptionWeightsTests {
  let payload = (0..<200_000).map { UInt8(truncatingIfNeeded: $0 &* 2_654_435_761 >> 13) }

  @Test func hashPrefixIsTorchHubs() {
    #expect(InceptionWeights.hashPrefix(ofFileName: "pt_inception-2015-12-05-6726825d.pth") == "6726825d")
    #expect(InceptionWeights.hashPrefix(ofFileName: "weights.pth") == nil)
    #expect(InceptionWeights.publishedURL.lastPathComponent == "pt_inception-2015-12-05-6726825d.pth")
  }

  @Test func downloadsOnceVerifiesAndReusesTheCache() throws {
    let server = try LocalServer(payload: payload)
    defer { server.stop() }
    try withTemporaryDirectory { dir in
      let cache = dir.appendingPathComponent("cache")
      let source = server.url("inception-\(sha256Hex(payload).prefix(8)).pth")
      let file = try InceptionWeights.locate(source: source, cache: cache)
      #expect(file == cache.appendingPathComponent(source.lastPathComponent))
      #expect(try [UInt8](Data(contentsOf: file)) == payload)
      let again = try InceptionWeights.locate(source: source, cache: cache)
      #expect(again == file)
      #expect(server.requests == 1, "the cached file should be reused, not fetched again")
      #expect(try directoryContents(cache) == [source.lastPathComponent])
    }
  }

  @Test func wrongChecksumIsRefusedAndNothingWritten() throws {
    let server = try LocalServer(payload: payload)
    defer { server.stop() }
    try withTemporaryDirectory { dir in
      let cache = dir.appendingPathComponent("cache")
      let wrong = sha256Hex(payload).hasPrefix("00000000") ? "11111111" : "00000000"
      let source = server.url("inception-\(wrong).pth")
      let error = try #require(throws: InceptionWeights.Unavailable.self) {
        try InceptionWeights.locate(source: source, cache: cache)
      }
      #expect(error.description.contains("SHA-256") && error.description.contains(wrong))
      #expect(!error.description.contains("\n"))
      #expect(!FileManager.default.fileExists(atPath: cache.appendingPathComponent(source.lastPathComponent).path))
      #expect((try? directoryContents(cache)) ?? [] == [])
    }
  }

  @Test func interruptedDownloadIsRetriedAndLeavesNoPartialFile() throws {
    let server = try LocalServer(payload: payload, cutShort: 1)
    defer { server.stop() }
    try withTemporaryDirectory { dir in
      let cache = dir.appendingPathComponent("cache")
      let source = server.url("inception-\(sha256Hex(payload).prefix(8)).pth")
      let file = try InceptionWeights.locate(source: source, cache: cache)
      #expect(server.requests == 2)
      #expect(try [UInt8](Data(contentsOf: file)) == payload)
      #expect(try directoryContents(cache) == [source.lastPathComponent])
    }
    // Always cut short: every attempt fails, and the cache is left empty.
    let broken = try LocalServer(payload: payload, cutShort: 100)
    defer { broken.stop() }
    try withTemporaryDirectory { dir in
      let cache = dir.appendingPathComponent("cache")
      let source = broken.url("inception-\(sha256Hex(payload).prefix(8)).pth")
      let error = try #require(throws: InceptionWeights.Unavailable.self) {
        try InceptionWeights.locate(source: source, cache: cache, attempts: 2)
      }
      #expect(broken.requests == 2)
      #expect(!error.description.contains("\n"))
      #expect((try? directoryContents(cache)) ?? [] == [])
    }
  }

  @Test func offlineSaysWhatWasTriedWhereToPutTheFileAndTheFlag() throws {
    try withTemporaryDirectory { dir in
      // Nothing listens on port 9 (discard) of 127.0.0.1 here: the connection is refused.
      let source = URL(string: "http://127.0.0.1:9/weights/pt_inception-2015-12-05-6726825d.pth")!
      let error = try #require(throws: InceptionWeights.Unavailable.self) {
        try InceptionWeights.locate(source: source, cache: dir, attempts: 1)
      }
      let message = error.description
      #expect(!message.contains("\n"))
      #expect(message.contains(source.absoluteString))
      #expect(message.contains(dir.path))
      #expect(message.contains("--inception-weights"))
    }
  }

  @Test func cacheDirectoryFollowsTheEnvironment() {
    #expect(
      InceptionWeights.cacheDirectory(environment: ["GRAFT_CACHE_DIR": "/c", "XDG_CACHE_HOME": "/x"]).path == "/c")
    #expect(InceptionWeights.cacheDirectory(environment: ["XDG_CACHE_HOME": "/x"]).path == "/x/graft")
    #expect(InceptionWeights.cacheDirectory(environment: [:]).path.hasSuffix("/.cache/graft"))
  }
}

/// The names in a directory, sorted, hidden ones included (a leftover temporary file is one).
private func directoryContents(_ url: URL) throws -> [String] {
  try FileManager.default.contentsOfDirectory(atPath: url.path).sorted()
}
