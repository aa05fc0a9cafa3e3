import Foundation
import SwiftProtobuf

/// Writes TensorBoard summaries of one run into an events file in `directory` (`tensorboard --logdir`
/// on it, or on a folder of runs, shows them).
///
/// One events file per run: the first start creates it, and every later start (a resume) first cuts
/// each events file in the directory back to the steps up to `keepingStepsThrough` (the checkpoint the
/// run resumes from), dropping a record a killed process left half-written, then appends to the newest.
/// The steps a stopped run logged after its last checkpoint are trained again and logged once, as
/// metrics.jsonl is truncated; a run never shows a step twice.
public final class EventFileWriter {
  /// The events file written to.
  public let file: URL
  private let handle: FileHandle

  /// Opens (creating or cutting back, see above) the events file of the run logging to `directory`.
  public init(directory: URL, keepingStepsThrough lastKept: Int) throws {
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    let existing = try EventFiles.list(in: directory)
    for url in existing { try Self.truncate(url, after: lastKept) }
    if let last = existing.last {
      file = last
      handle = try FileHandle(forWritingTo: last)
      try handle.seekToEnd()
    } else {
      let host = ProcessInfo.processInfo.hostName.split(separator: ".").first.map(String.init) ?? "host"
      file = directory.appendingPathComponent("events.out.tfevents.\(Int(Date().timeIntervalSince1970)).\(host)")
      FileManager.default.createFile(atPath: file.path, contents: nil)
      handle = try FileHandle(forWritingTo: file)
      var first = Tensorboard_Event()
      first.wallTime = Date().timeIntervalSince1970
      first.fileVersion = "brain.Event:2"
      try write(first)
    }
  }

  deinit { try? handle.close() }

  /// Scalars of one step, tag → value (NaN and infinities are written as they are: TensorBoard shows them).
  public func addScalars(_ values: [(tag: String, value: Float)], step: Int) throws {
    guard !values.isEmpty else { return }
    try addSummary(
      values.map { tag, value in
        var v = Tensorboard_Summary.Value()
        v.tag = tag
        v.simpleValue = value
        return v
      }, step: step)
  }

  /// A PNG picture (8-bit gray or RGB, as `PNG.encode` writes) under `tag`.
  public func addImage(tag: String, png: Data, step: Int) throws {
    var image = Tensorboard_Summary.Image()
    let header = try PNGHeader(png)
    (image.width, image.height, image.colorspace) = (Int32(header.width), Int32(header.height), header.colorspace)
    image.encodedImageString = png
    var v = Tensorboard_Summary.Value()
    v.tag = tag
    v.image = image
    try addSummary([v], step: step)
  }

  /// Histograms of one step, tag → values (e.g. each layer's weights); tensors with no finite value are
  /// left out.
  public func addHistograms(_ histograms: [(tag: String, values: [Float])], step: Int) throws {
    let values = histograms.compactMap { tag, values -> Tensorboard_Summary.Value? in
      guard let histogram = Histogram(values) else { return nil }
      var v = Tensorboard_Summary.Value()
      v.tag = tag
      v.histo = histogram.proto
      return v
    }
    guard !values.isEmpty else { return }
    try addSummary(values, step: step)
  }

  private func addSummary(_ values: [Tensorboard_Summary.Value], step: Int) throws {
    var event = Tensorboard_Event()
    event.wallTime = Date().timeIntervalSince1970
    event.step = Int64(step)
    var summary = Tensorboard_Summary()
    summary.value = values
    event.summary = summary
    try write(event)
  }

  /// One record in one write call: a killed process leaves at most this record half-written.
  private func write(_ event: Tensorboard_Event) throws {
    let payload: Data = try event.serializedData()
    try handle.write(contentsOf: TFRecord.frame(payload))
  }

  /// Cuts `url` back to its records up to step `lastKept`, and to its intact records.
  private static func truncate(_ url: URL, after lastKept: Int) throws {
    let data = try Data(contentsOf: url)
    let (records, validLength) = TFRecord.records(in: data)
    var keep = validLength
    for record in records {
      guard let event = try? Tensorboard_Event(serializedBytes: record.payload) else {
        keep = record.start
        break
      }
      if event.step > lastKept {
        keep = record.start
        break
      }
    }
    guard keep < data.count else { return }
    let handle = try FileHandle(forWritingTo: url)
    defer { try? handle.close() }
    try handle.truncate(atOffset: UInt64(keep))
  }
}
