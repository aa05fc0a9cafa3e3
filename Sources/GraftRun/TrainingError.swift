/// Why training stopped early.
public struct TrainingError: Error, CustomStringConvertible {
  public let message: String
  /// The step a run stopped at because a value stopped being finite; nil for every other error.
  public let divergedAtStep: Int?
  public var description: String { message }
  public init(message: String, divergedAtStep: Int? = nil) {
    self.message = message
    self.divergedAtStep = divergedAtStep
  }
}
