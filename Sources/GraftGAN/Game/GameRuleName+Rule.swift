import GraftRun

extension GameRuleName {
  /// The rule, with n_dis discriminator steps per generator step where the rule has them (alternating).
  public func rule(discriminatorSteps: Int) -> any GameRule {
    switch self {
    case .alternating: AlternatingRule(discriminatorSteps: discriminatorSteps)
    case .simultaneous: SimultaneousRule()
    case .extragradient: ExtragradientRule()
    }
  }
}
