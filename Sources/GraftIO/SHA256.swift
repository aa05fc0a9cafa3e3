import COpenSSL

/// SHA-256 (FIPS 180-4), fed incrementally: the checksum of a checkpoint. OpenSSL's libcrypto computes it
/// (its EVP digest interface); checked against Python's hashlib in the tests.
public final class SHA256: @unchecked Sendable {
  // One context, used by one owner at a time (a checkpoint's writer or reader), like the Swift value it
  // replaced; not shared across threads.
  private let context: OpaquePointer

  public init() {
    guard let context = EVP_MD_CTX_new(), EVP_DigestInit_ex(context, EVP_sha256(), nil) == 1 else {
      fatalError("OpenSSL could not start a SHA-256 digest (out of memory?)")
    }
    self.context = context
  }

  deinit { EVP_MD_CTX_free(context) }

  /// Hashes `bytes` after everything fed before.
  public func update(_ bytes: UnsafeRawBufferPointer) {
    guard let base = bytes.baseAddress, !bytes.isEmpty else { return }
    EVP_DigestUpdate(context, base, bytes.count)
  }

  /// Hashes the bytes of `array` after everything fed before.
  public func update(_ array: [UInt8]) {
    array.withUnsafeBytes { update($0) }
  }

  /// The digest of everything fed so far, as 64 lowercase hex digits (what `hashlib.sha256(...).hexdigest()`
  /// prints). More may be fed afterwards.
  public func hexDigest() -> String {
    // Finishing a copy leaves this digest open.
    guard let copy = EVP_MD_CTX_new() else { fatalError("OpenSSL could not copy a SHA-256 digest (out of memory?)") }
    defer { EVP_MD_CTX_free(copy) }
    var digest = [UInt8](repeating: 0, count: 32)
    var length: UInt32 = 0
    guard EVP_MD_CTX_copy_ex(copy, context) == 1, EVP_DigestFinal_ex(copy, &digest, &length) == 1, length == 32 else {
      fatalError("OpenSSL could not finish a SHA-256 digest")
    }
    let hex = Array("0123456789abcdef".utf8)
    var text: [UInt8] = []
    text.reserveCapacity(64)
    for byte in digest {
      text.append(hex[Int(byte >> 4)])
      text.append(hex[Int(byte & 0xf)])
    }
    return String(decoding: text, as: UTF8.self)
  }
}
