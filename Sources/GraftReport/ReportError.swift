/// Why a report could not be made; the message names the file and what to do.
public struct ReportError: Error, CustomStringConvertible, Sendable {
  public let message: String
  public init(_ message: String) { self.message = message }
  public var description: String { message }
}
