import Foundation

/// The `graft` executable, built next to the test runner (`swift build --build-tests` builds both).
public let graftExecutable = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
  .appendingPathComponent("graft")
