import Foundation
import GraftGAN
import GraftGANTestSupport
import GraftIO
import GraftRun
import GraftTestSupport
import Testing

@Suite("Training under each game rule", .serialized)
struct TrainerGameRuleTests {
  /// A ring8 MLP run trains under each rule and resumes exactly; the optimizers advance once per
  /// iteration (n_dis times for the alternating discriminator), extragradient's extrapolation included.
  @Test(arguments: GameRuleName.allCases)
  func eachRuleTrainsAndResumesExactly(game: GameRuleName) throws {
    var config = smallConfig()
    config.game = game
    config.discriminatorSteps = 2
    let full = try Trainer(config: config, directory: temporaryDirectory("game-full"))
    let summary = try full.train(log: { _ in })
    #expect(summary.discriminatorLoss.isFinite && summary.generatorLoss.isFinite)
    let directory = temporaryDirectory("game-interrupted")
    try Trainer(config: config, directory: directory).train(stopAt: 20, log: { _ in })
    let resumed = try Trainer.resume(directory)
    #expect(resumed.config.game == game && resumed.step == 20)
    try resumed.train(log: { _ in })
    #expect(allTensors(resumed) == allTensors(full))
    #expect(resumed.lastLosses.generator == full.lastLosses.generator)
    #expect(resumed.lastLosses.discriminator == full.lastLosses.discriminator)

    let checkpoint = try Checkpoint.load(from: full.run.latestCheckpoint)
    #expect(try checkpoint.int(forKey: "optimizer.generator.step") == 30)
    #expect(try checkpoint.int(forKey: "optimizer.discriminator.step") == (game == .alternating ? 60 : 30))
  }

  /// The rules differ from one another, and only alternating uses n_dis.
  @Test func rulesDifferAndOnlyAlternatingUsesNDis() throws {
    func weights(_ game: GameRuleName, nDis: Int) throws -> [[Float]] {
      var config = smallConfig()
      config.steps = 10
      config.game = game
      config.discriminatorSteps = nDis
      let trainer = try Trainer(config: config, directory: temporaryDirectory("game-\(game.rawValue)"))
      try trainer.train(log: { _ in })
      return allTensors(trainer)
    }
    var seen: [[[Float]]] = []
    for game in GameRuleName.allCases {
      let one = try weights(game, nDis: 1)
      let two = try weights(game, nDis: 2)
      #expect((one == two) == (game != .alternating), "\(game): n_dis 1 and 2 give the same weights: \(one == two)")
      #expect(!seen.contains(one), "\(game) gives another rule's weights")
      seen.append(one)
    }
  }

  /// `game` is saved as its name; `"simultaneous": true` of runs from before it still reads as the
  /// simultaneous rule (and wins over a `game` beside it, as after `--config old/config.json`), and is
  /// never written.
  @Test func configsSaveTheRuleAndReadTheOldSimultaneousKey() throws {
    func decode(_ json: String) throws -> TrainingConfig {
      try JSONDecoder().decode(TrainingConfig.self, from: Data(json.utf8))
    }
    #expect(TrainingConfig().game == .alternating)
    #expect(try decode("{}").game == .alternating)
    #expect(try decode(#"{"simultaneous": true}"#).game == .simultaneous)
    #expect(try decode(#"{"simultaneous": false}"#).game == .alternating)
    #expect(try decode(#"{"game": "alternating", "simultaneous": true}"#).game == .simultaneous)
    for game in GameRuleName.allCases {
      var config = TrainingConfig()
      config.game = game
      let object = try #require(try JSONSerialization.jsonObject(with: JSONEncoder().encode(config)) as? [String: Any])
      #expect(object["game"] as? String == game.rawValue && object["simultaneous"] == nil)
      #expect(try JSONDecoder().decode(TrainingConfig.self, from: JSONEncoder().encode(config)) == config)
    }
    #expect(throws: ConfigError.self) { try decode(#"{"game": "leapfrog"}"#) }
  }

  /// A run directory written before `game`, its config.json saying `"simultaneous": true`, resumes as
  /// the simultaneous run it was.
  @Test func anOldSimultaneousRunResumesAsOne() throws {
    var config = smallConfig()
    config.game = .simultaneous
    let full = try Trainer(config: config, directory: temporaryDirectory("old-sim-full"))
    try full.train(log: { _ in })
    let directory = temporaryDirectory("old-sim")
    try Trainer(config: config, directory: directory).train(stopAt: 20, log: { _ in })
    // Rewrite config.json as the old code wrote it.
    let file = directory.appendingPathComponent("config.json")
    var saved = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: file)) as? [String: Any])
    var settings = try #require(saved["config"] as? [String: Any])
    settings["game"] = nil
    settings["simultaneous"] = true
    saved["config"] = settings
    try JSONSerialization.data(withJSONObject: saved).write(to: file)
    let resumed = try Trainer.resume(directory)
    #expect(resumed.config.game == .simultaneous)
    try resumed.train(log: { _ in })
    #expect(allTensors(resumed) == allTensors(full))
  }
}
