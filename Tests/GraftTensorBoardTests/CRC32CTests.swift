import GraftTensorBoard
import Testing

@Suite("CRC32C")
struct CRC32CTests {
  // Check values of CRC-32C: the catalogue's "123456789" and RFC 3720's (iSCSI) test patterns, B.4.
  static let checkValues: [([UInt8], UInt32)] = [
    (Array("123456789".utf8), 0xE306_9283),
    ([UInt8](repeating: 0, count: 32), 0x8A91_36AA),
    ([UInt8](repeating: 0xFF, count: 32), 0x62A8_AB43),
    ((0..<32).map { UInt8($0) }, 0x46DD_794E),
    ((0..<32).map { UInt8(31 - $0) }, 0x113F_DB5C),
    ([], 0),
  ]

  @Test(arguments: checkValues)
  func knownValues(bytes: [UInt8], expected: UInt32) {
    #expect(CRC32C.checksum(bytes) == expected)
  }

  @Test func maskRotatesAndAddsTheConstant() {
    let crc = CRC32C.checksum(Array("123456789".utf8))
    #expect(CRC32C.masked(Array("123456789".utf8)) == ((crc >> 15) | (crc << 17)) &+ 0xA282_EAD8)
    #expect(CRC32C.masked([]) == 0xA282_EAD8)
  }
}
