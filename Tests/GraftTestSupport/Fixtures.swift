import Foundation
import GraftEngine

/// A tensor as the fixture scripts store it in JSON: its shape and its values, written as float64.
public struct FixtureTensor: Decodable, Sendable {
  public let shape: [Int]
  public let data: [Double]

  /// The values as a `Float` tensor (each rounded once).
  public var floats: Tensor<Float> { Tensor(shape: shape, scalars: data.map { Float($0) }) }
}

/// A committed fixture file is missing: the message names the script that writes it.
public struct FixtureMissing: Error, CustomStringConvertible {
  public let name: String
  public let script: String
  public var description: String { "missing fixture Fixtures/\(name); regenerate with python3 \(script)" }
}

/// The committed fixture `Fixtures/NAME` among a test target's resources (pass its `Bundle.module`),
/// written by `script`.
public func fixtureURL(_ name: String, in bundle: Bundle, writtenBy script: String) throws -> URL {
  let url = bundle.resourceURL?.appendingPathComponent("Fixtures").appendingPathComponent(name)
  guard let url, FileManager.default.fileExists(atPath: url.path) else {
    throw FixtureMissing(name: name, script: script)
  }
  return url
}

/// The `cases` of the JSON fixture `Fixtures/NAME.json` (see `fixtureURL`). A missing or unreadable file
/// stops the test run with a message naming the script: the cases are test arguments, computed before
/// any test runs, where an error could not be reported as a test's failure.
public func fixtureCases<Case: Decodable>(_ name: String, in bundle: Bundle, writtenBy script: String) -> [Case] {
  guard let url = try? fixtureURL(name + ".json", in: bundle, writtenBy: script),
    let data = try? Data(contentsOf: url),
    let file = try? JSONDecoder().decode(FixtureFile<Case>.self, from: data)
  else {
    fatalError("missing or unreadable fixture Fixtures/\(name).json; regenerate with python3 \(script)")
  }
  return file.cases
}

/// A fixture file's layout: its cases (and other keys, which are not read).
private struct FixtureFile<Case: Decodable>: Decodable {
  let cases: [Case]
}
