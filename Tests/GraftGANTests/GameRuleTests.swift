import Foundation
import GraftGAN
import GraftRun
import Testing

/// min_x max_y x·y, each player descending its own loss with plain gradient steps of size η: the
/// generator x descends x·y (gradient y), the discriminator y descends −x·y (gradient −x). In double
/// precision, so the closed forms hold to rounding.
struct BilinearGame: TwoPlayerGame {
  var x: Double
  var y: Double
  let learningRate: Double
  /// Every call, in order: "D" and "G" for gradients, "d" and "g" for steps, "restore".
  var calls: [String] = []

  init(x: Double, y: Double, learningRate: Double) {
    (self.x, self.y, self.learningRate) = (x, y, learningRate)
  }

  var norm: Double { (x * x + y * y).squareRoot() }

  var point: (x: Double, y: Double) {
    get { (x, y) }
    set {
      (x, y) = newValue
      calls.append("restore")
    }
  }

  mutating func lossAndGradient(of player: GamePlayer) -> (loss: Float, gradient: Double) {
    calls.append(player == .discriminator ? "D" : "G")
    return player == .discriminator ? (Float(-x * y), -x) : (Float(x * y), y)
  }

  /// Returns the step's length.
  mutating func step(_ player: GamePlayer, along gradient: Double) -> Double {
    calls.append(player == .discriminator ? "d" : "g")
    let delta = -learningRate * gradient
    if player == .discriminator { y += delta } else { x += delta }
    return abs(delta)
  }
}

@Suite("Game rules on a bilinear game")
struct GameRuleTests {
  static let learningRates = [0.01, 0.1, 0.5]

  /// ‖(x, y)‖ after each of `steps` iterations of `rule`, starting with the norm at (1, 0.5).
  static func norms(_ rule: any GameRule, learningRate: Double, steps: Int) throws -> (BilinearGame, [Double]) {
    var game = BilinearGame(x: 1, y: 0.5, learningRate: learningRate)
    var norms = [game.norm]
    for _ in 0..<steps {
      _ = try rule.play(&game)
      norms.append(game.norm)
    }
    return (game, norms)
  }

  /// Simultaneous steps spiral out: (x, y) ← (x − ηy, y + ηx) multiplies the norm by √(1 + η²).
  @Test(arguments: learningRates)
  func simultaneousStepsSpiralOut(learningRate eta: Double) throws {
    let (_, norms) = try Self.norms(SimultaneousRule(), learningRate: eta, steps: 200)
    let factor = (1 + eta * eta).squareRoot()
    for k in 1..<norms.count {
      #expect(abs(norms[k] / norms[k - 1] - factor) < 1e-13, "step \(k): \(norms[k] / norms[k - 1]) vs \(factor)")
    }
    #expect(abs(norms.last! / norms[0] / Foundation.pow(factor, 200) - 1) < 1e-12)
  }

  /// Extragradient converges: x ← (1 − η²)x − ηy, y ← (1 − η²)y + ηx multiplies the norm by √(1 − η² + η⁴).
  @Test(arguments: learningRates)
  func extragradientConverges(learningRate eta: Double) throws {
    let (_, norms) = try Self.norms(ExtragradientRule(), learningRate: eta, steps: 200)
    let factor = (1 - eta * eta + eta * eta * eta * eta).squareRoot()
    for k in 1..<norms.count {
      #expect(abs(norms[k] / norms[k - 1] - factor) < 1e-13, "step \(k): \(norms[k] / norms[k - 1]) vs \(factor)")
    }
    #expect(abs(norms.last! / norms[0] / Foundation.pow(factor, 200) - 1) < 1e-12)
  }

  /// Alternating steps (y ← y + ηx, then x ← x − ηy) keep Q = x² + y² + ηxy: the iterates circle on an
  /// ellipse, so the norm stays between √(Q / (1 + η/2)) and √(Q / (1 − η/2)) for ever, and comes close
  /// to both (it neither grows nor shrinks).
  @Test(arguments: learningRates)
  func alternatingStepsStayOnAnEllipse(learningRate eta: Double) throws {
    func q(_ x: Double, _ y: Double) -> Double { x * x + y * y + eta * x * y }
    var game = BilinearGame(x: 1, y: 0.5, learningRate: eta)
    let q0 = q(game.x, game.y)
    let (low, high) = ((q0 / (1 + eta / 2)).squareRoot(), (q0 / (1 - eta / 2)).squareRoot())
    var (smallest, largest) = (game.norm, game.norm)
    let rule = AlternatingRule()
    for k in 1...10_000 {
      _ = try rule.play(&game)
      #expect(abs(q(game.x, game.y) / q0 - 1) < 1e-11, "step \(k): Q moved to \(q(game.x, game.y)) from \(q0)")
      smallest = min(smallest, game.norm)
      largest = max(largest, game.norm)
    }
    #expect(smallest >= low * (1 - 1e-11) && largest <= high * (1 + 1e-11))
    // A full turn takes about 2π/η steps; 10,000 steps go round at least 15 times even at η = 0.01.
    #expect(smallest <= low * (1 + 1e-3) && largest >= high * (1 - 1e-3), "\(smallest)…\(largest) in \(low)…\(high)")
  }

  /// The order of gradients and steps each rule takes, and that only alternating repeats the
  /// discriminator's steps.
  @Test func rulesTakeTheirStepsInOrder() throws {
    func calls(_ rule: any GameRule) throws -> String {
      var game = BilinearGame(x: 1, y: 0.5, learningRate: 0.1)
      _ = try rule.play(&game)
      return game.calls.joined(separator: " ")
    }
    #expect(try calls(AlternatingRule()) == "D d G g")
    #expect(try calls(AlternatingRule(discriminatorSteps: 3)) == "D d D d D d G g")
    #expect(try calls(SimultaneousRule()) == "D G d g")
    #expect(try calls(ExtragradientRule()) == "D G d g D G restore d g")
    for name in GameRuleName.allCases {
      let (one, three) = (try calls(name.rule(discriminatorSteps: 1)), try calls(name.rule(discriminatorSteps: 3)))
      #expect((one == three) == (name != .alternating), "\(name): \(one) with n_dis 1, \(three) with 3")
    }
  }

  /// What a rule reports: for extragradient the losses at the starting point and the update steps.
  @Test func extragradientReportsTheStartingLossesAndTheUpdate() throws {
    var game = BilinearGame(x: 1, y: 0.5, learningRate: 0.1)
    let r = try ExtragradientRule().play(&game)
    #expect(r.generatorLoss == Float(0.5) && r.discriminatorLoss == Float(-0.5))
    // The update uses the gradients at θ½ = (1 − 0.05, 0.5 + 0.1): y's step is η·x½, x's is η·y½.
    #expect(abs(r.discriminator - 0.1 * 0.95) < 1e-14 && abs(r.generator - 0.1 * 0.6) < 1e-14)
  }
}
