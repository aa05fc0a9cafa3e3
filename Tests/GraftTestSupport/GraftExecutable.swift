import Foundation
import GraftEngine

/// The `graft` executable, built next to the test runner (`swift build --build-tests` builds both).
///
/// First use also pins the OpenBLAS kernels of every process the tests start to this process's own:
/// OpenBLAS 0.3.21 does not recognise some CPUs (Sapphire Rapids and later) and runs its generic
/// "Prescott" kernels there, which `graft` replaces by restarting itself with faster ones
/// (`Runtime.restartWithFasterKernelsIfNeeded`) but a test bundle cannot. Kernels round differently, so
/// without this a test that compares what the binary wrote with what it computes in-process would
/// compare two kernel sets. (`make test` sets OPENBLAS_CORETYPE to graft's choice, so both use the fast ones.)
public let graftExecutable: URL = {
  if ProcessInfo.processInfo.environment["OPENBLAS_CORETYPE"] == nil, Runtime.blasCoreName != "unknown" {
    setenv("OPENBLAS_CORETYPE", Runtime.blasCoreName, 1)
  }
  return URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("graft")
}()

/// Runs the `graft` executable built next to the test bundle, with `environment` added to this process's
/// (less the variables named in `removing`) and in `directory` if given; returns (exit status, stdout +
/// stderr).
public func runGraft(
  _ arguments: [String], environment: [String: String] = [:], removing: [String] = [], in directory: URL? = nil
) throws -> (Int32, String) {
  let binary = graftExecutable
  guard FileManager.default.isExecutableFile(atPath: binary.path) else {
    throw CocoaError(.fileNoSuchFile, userInfo: [NSFilePathErrorKey: binary.path])
  }
  return try runProcess(binary, arguments, environment: environment, removing: removing, in: directory)
}

/// `executable` run to its end with `arguments` (and `environment` over this process's, less the variables
/// named in `removing`): its status and output (stdout and stderr together).
public func runProcess(
  _ executable: URL, _ arguments: [String], environment: [String: String] = [:], removing: [String] = [],
  in directory: URL? = nil
) throws -> (Int32, String) {
  let process = Process()
  process.executableURL = executable
  process.arguments = arguments
  process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
    .filter { !removing.contains($0.key) }
  if let directory { process.currentDirectoryURL = directory }
  let pipe = Pipe()
  process.standardOutput = pipe
  process.standardError = pipe
  try process.run()
  let output = pipe.fileHandleForReading.readDataToEndOfFile()
  process.waitUntilExit()
  return (process.terminationStatus, String(decoding: output, as: UTF8.self))
}
