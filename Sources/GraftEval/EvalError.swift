import Foundation

/// Why an evaluation could not be done: every message says what was wrong and, where there is one, the fix.
public enum EvalError: Error, CustomStringConvertible, Equatable, Sendable {
  /// The classifier's weights file is not where it should be.
  case classifierWeightsMissing(path: String)
  /// The weights file does not describe a `FashionClassifier`.
  case classifierWeightsInvalid(path: String, reason: String)
  /// A LAPACK routine reported failure (`info` as LAPACK returns it).
  case lapackFailure(routine: String, info: Int)
  /// A matrix or feature set with NaN or infinite entries.
  case nonFinite(what: String)
  /// Arguments of the wrong shape.
  case badShape(what: String, shape: [Int], expected: String)
  /// A statistics or features file that does not hold what it should; `problem` says what and the fix.
  case invalidStatisticsFile(path: String, problem: String)

  public var description: String {
    switch self {
    case .classifierWeightsMissing(let path):
      return "the Fashion-MNIST classifier's weights are missing (\(path)): run `graft classifier train` to create them"
    case .classifierWeightsInvalid(let path, let reason):
      return "\(path) does not hold Fashion-MNIST classifier weights: \(reason)"
    case .lapackFailure(let routine, let info):
      return "LAPACK \(routine) failed with info = \(info)"
        + (info > 0 ? " (the eigenvalue algorithm did not converge)" : " (argument \(-info) was invalid)")
    case .nonFinite(let what):
      return "\(what) contains NaN or infinite values"
    case .badShape(let what, let shape, let expected):
      return "\(what) has shape \(shape), expected \(expected)"
    case .invalidStatisticsFile(let path, let problem):
      return "\(path): \(problem)"
    }
  }
}

extension EvalError: LocalizedError {
  public var errorDescription: String? { description }
}
