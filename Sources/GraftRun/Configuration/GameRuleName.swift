/// The game's update rule as a setting: `game` in a config (a string), `--game` on the command line.
public enum GameRuleName: String, Codable, CaseIterable, Sendable {
  case alternating
  case simultaneous
  case extragradient

  /// One line for `graft info`.
  public var summary: String {
    switch self {
    case .alternating: "n_dis discriminator steps, then one generator step against the updated discriminator"
    case .simultaneous: "both players step from the same point (ignores n_dis)"
    case .extragradient: "both players step from the start with the gradients at a look-ahead step (ignores n_dis)"
    }
  }
}
