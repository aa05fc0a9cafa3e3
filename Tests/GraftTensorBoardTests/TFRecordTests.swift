import Foundation
import GraftTensorBoard
import Testing

@Suite("TFRecord framing")
struct TFRecordTests {
  @Test func framesRoundTrip() {
    let payloads = [Data("first".utf8), Data(), Data((0..<300).map { UInt8($0 % 256) })]
    let file = payloads.map(TFRecord.frame).reduce(Data(), +)
    #expect(file.count == payloads.map { $0.count + 16 }.reduce(0, +))
    let (records, valid) = TFRecord.records(in: file)
    #expect(records.map(\.payload) == payloads)
    #expect(valid == file.count)
    #expect(records.map(\.start) == [0, 21, 37])
  }

  @Test func lengthIsLittleEndianWithItsMaskedChecksum() {
    let frame = [UInt8](TFRecord.frame(Data("abc".utf8)))
    #expect(Array(frame[0..<8]) == [3, 0, 0, 0, 0, 0, 0, 0])
    let lengthCRC = CRC32C.masked(frame[0..<8])
    #expect(Array(frame[8..<12]) == (0..<4).map { UInt8(truncatingIfNeeded: lengthCRC >> (8 * $0)) })
    #expect(Array(frame[12..<15]) == Array("abc".utf8))
    let dataCRC = CRC32C.masked(Array("abc".utf8))
    #expect(Array(frame[15..<19]) == (0..<4).map { UInt8(truncatingIfNeeded: dataCRC >> (8 * $0)) })
  }

  /// What a killed writer leaves: a record cut anywhere, or a flipped byte, ends the good records there.
  @Test func stopsAtACutOrDamagedRecord() {
    let good = TFRecord.frame(Data("kept".utf8))
    let next = TFRecord.frame(Data("cut short".utf8))
    for cut in [1, 8, 12, 15, next.count - 1] {
      let (records, valid) = TFRecord.records(in: good + next.prefix(cut))
      #expect(records.map(\.payload) == [Data("kept".utf8)])
      #expect(valid == good.count)
    }
    var damaged = good + next
    damaged[good.count + 14] ^= 0x01
    #expect(TFRecord.records(in: damaged).records.count == 1)
  }
}
