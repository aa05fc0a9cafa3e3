import Foundation
import SwiftProtobuf

/// Reads TensorBoard events files back (the runs' own, or TensorBoard's): what tests check and resumes
/// cut back.
public enum EventFiles {
  /// The events files in `directory` (names containing "tfevents"), oldest first as TensorBoard orders them.
  public static func list(in directory: URL) throws -> [URL] {
    let names = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
    return names.filter { $0.contains("tfevents") }.sorted().map { directory.appendingPathComponent($0) }
  }

  /// The events of `url` in order, up to the first damaged record.
  public static func read(_ url: URL) throws -> [LoggedEvent] {
    let (records, _) = TFRecord.records(in: try Data(contentsOf: url))
    return try records.map { try LoggedEvent(Tensorboard_Event(serializedBytes: $0.payload)) }
  }
}

/// One event of an events file, decoded into plain values.
public struct LoggedEvent: Sendable {
  /// Seconds since 1970.
  public var wallTime: Double
  public var step: Int
  /// "brain.Event:2" in a file's first event.
  public var fileVersion: String?
  /// Scalar values by tag.
  public var scalars: [String: Float] = [:]
  /// Pictures by tag: size, colorspace (1 gray, 3 RGB) and the encoded (PNG) bytes.
  public var images: [String: (width: Int, height: Int, colorspace: Int, encoded: Data)] = [:]
  /// Histograms by tag: the number of values counted.
  public var histogramCounts: [String: Double] = [:]

  init(_ event: Tensorboard_Event) {
    wallTime = event.wallTime
    step = Int(event.step)
    if case .fileVersion(let version) = event.what { fileVersion = version }
    for value in event.summary.value {
      switch value.value {
      case .simpleValue(let v): scalars[value.tag] = v
      case .image(let i):
        images[value.tag] = (Int(i.width), Int(i.height), Int(i.colorspace), i.encodedImageString)
      case .histo(let h): histogramCounts[value.tag] = h.num
      case nil: break
      }
    }
  }
}
