import Foundation
import GraftTestSupport
import Testing

@Suite("The graft command line: --game")
struct GameRuleCommandLineTests {
  /// The `game` setting config.json holds after a short `graft train` with `arguments`.
  func savedGame(_ arguments: [String]) throws -> (status: Int32, output: String, game: String?) {
    let out = temporaryDirectory("game-cli").appendingPathComponent("run")
    let (status, output) = try runGraft(
      ["train", "--steps", "3", "--width", "8", "--batch-size", "16", "--out", out.path] + arguments)
    let object = try? JSONSerialization.jsonObject(with: Data(contentsOf: out.appendingPathComponent("config.json")))
    let config = (object as? [String: Any])?["config"] as? [String: Any]
    #expect(config?["simultaneous"] == nil)
    return (status, output, config?["game"] as? String)
  }

  @Test func gameFlagAndItsOldAlias() throws {
    #expect(try savedGame([]).game == "alternating")
    #expect(try savedGame(["--game", "extragradient"]).game == "extragradient")
    #expect(try savedGame(["--simultaneous"]).game == "simultaneous")
    let unknown = try savedGame(["--game", "leapfrog"])
    #expect(unknown.status != 0 && unknown.output.contains("extragradient"), "\(unknown.output)")
    // Settings apply in order; the later one wins.
    #expect(try savedGame(["--simultaneous", "--game", "extragradient"]).game == "extragradient")
  }

  /// An old run's config.json given to `--config`, over the default settings (which hold a `game`).
  @Test func anOldConfigFileKeepsItsSimultaneousUpdates() throws {
    let file = temporaryDirectory("game-old-config").appendingPathComponent("config.json")
    try Data(#"{"config": {"dataset": "ring8", "simultaneous": true}, "gitCommit": "abc"}"#.utf8).write(to: file)
    #expect(try savedGame(["--config", file.path]).game == "simultaneous")
  }
}
