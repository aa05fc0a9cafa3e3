import Foundation
import GraftGAN
import GraftOptimizers
import GraftRun
import Testing

/// The settings' declarations serve the config decoder, the command line and validation alike.
@Suite struct SettingsTests {
  /// Every key a config.json holds is declared, and every declared key is one a config.json holds: the
  /// declarations and the struct cannot drift apart.
  @Test func declaredKeysAreExactlyTheEncodedKeys() throws {
    var config = TrainingConfig()
    // Optionals are written only when set.
    config.dataDirectory = "/data"
    config.dataLimit = 10
    config.emaDecay = 0.999
    config.generatorGrouping = .global
    config.discriminatorGrouping = .global
    // An object-valued setting (its keys are patterns, not settings) counts as one key.
    config.generatorLayerScales = LayerScales([("*.bias", 0.1)])
    config.discriminatorLayerScales = LayerScales([("*.bias", 0.1)])
    let declared = Set(TrainingConfig.settings.compactMap(\.key))
    let object = try JSONSerialization.jsonObject(with: JSONEncoder().encode(config)) as! [String: Any]
    func leaves(_ o: [String: Any], _ prefix: String) -> [String] {
      o.flatMap { key, value in
        declared.contains(prefix + key)
          ? [prefix + key] : (value as? [String: Any]).map { leaves($0, prefix + key + ".") } ?? [prefix + key]
      }
    }
    #expect(Set(leaves(object, "")) == declared)
    #expect(declared.count == TrainingConfig.settings.compactMap(\.key).count, "a key is declared twice")
    #expect(Set(TrainingConfig.settings.map(\.flag)).count == TrainingConfig.settings.count, "a flag twice")
  }

  /// A config written and read back is the same config, for every preset.
  @Test func configsRoundTripThroughJSON() throws {
    for preset in TrainingConfig.presets {
      let data = try JSONEncoder().encode(preset.config)
      #expect(try JSONDecoder().decode(TrainingConfig.self, from: data) == preset.config, "\(preset.name)")
    }
  }

  @Test func unknownKeysAreRefusedWithTheNearestValidKey() throws {
    for (json, expected) in [
      (#"{"batch_size": 64}"#, "unknown setting 'batch_size'. Did you mean 'batchSize'?"),
      (#"{"lr": 0.1}"#, "unknown setting 'lr'"),
      (#"{"generatorSettings": {"lr": 0.1}}"#, "unknown setting 'generatorSettings.lr'"),
      (#"{"steps": 5.5}"#, "setting 'steps' must be an integer > 0, got 5.5"),
      (#"{"dataset": "mnist"}"#, "setting 'dataset' must be one of ring8, grid25, theory, fashion-mnist, cifar10"),
      (#"{"theory": 3}"#, "setting 'theory' must be an object"),
    ] {
      do {
        _ = try JSONDecoder().decode(TrainingConfig.self, from: Data(json.utf8))
        Issue.record("\(json) accepted")
      } catch {
        #expect("\(error)".contains(expected), "\(json): \(error)")
      }
    }
  }

  @Test func aFileChangesOnlyWhatItGivesOverItsBase() throws {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("settings-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    let file = directory.appendingPathComponent("c.yaml")
    try Data("steps: 7\ngeneratorSettings:\n  beta2: 0.9\n".utf8).write(to: file)
    let base = try TrainingConfig.preset("theory")
    let config = try TrainingConfig.load(file: file.path, over: base)
    var expected = base
    expected.steps = 7
    expected.generatorSettings.beta2 = 0.9
    #expect(config == expected)
  }

  @Test(arguments: [
    ("yaml", "steps: 5\ntheory:\n  modes: 3\n  modes: 4\n", "gives 'theory.modes' twice"),
    ("json", #"{"steps": 5, "steps": 6}"#, "duplicate key"),
    ("json", #"{"steps": 5,"#, "is not valid JSON"),
    ("yaml", "steps: [5\n", "is not valid YAML"),
    // Found by libFuzzer (`make fuzz`): a list or mapping as a key trapped the YAML library (Yams 6).
    ("yaml", "steps: 5\n? [a, b]\n: 3\n", "uses a YAML list or mapping as a key (under 'the top level')"),
    ("yaml", "theory:\n  ? {a: 1}\n  : 3\n", "uses a YAML list or mapping as a key (under 'theory')"),
  ])
  func keysGivenTwiceAndBrokenFilesAreRefused(format: String, text: String, expected: String) throws {
    let file = FileManager.default.temporaryDirectory.appendingPathComponent("settings-\(UUID().uuidString).\(format)")
    try Data(text.utf8).write(to: file)
    do {
      _ = try TrainingConfig.load(file: file.path)
      Issue.record("\(text) accepted")
    } catch {
      #expect("\(error)".contains(expected) && "\(error)".contains(file.path), "\(error)")
    }
  }

  @Test func commandLineSettingsApplyInOrder() throws {
    var c = TrainingConfig()
    try c.apply(arguments: [
      "--lr", "0.01", "--d-lr=0.02", "--dataset", "theory", "--model", "theory", "--theory-gaussian-latent",
      "--steps", "12", "--ema", "0.99", "--grouping", "module", "--optimizer", "graft:adam:sgd",
    ])
    #expect(c.generatorSettings.learningRate == 0.01 && c.discriminatorSettings.learningRate == 0.02)
    #expect(c.dataset == .theory && c.model == .theory && c.theory.gaussianLatent && c.steps == 12)
    #expect(c.emaDecay == 0.99 && c.generatorGrouping == .perModule && c.discriminatorGrouping == .perModule)
    #expect(c.generatorOptimizer == .graft(magnitude: .adam, direction: .sgda) && c.discriminatorOptimizer.name == "graft:adam:sgd")
    try c.validate()
    // A switch takes an explicit value too, and a later flag wins.
    try c.apply(arguments: ["--theory-gaussian-latent", "false", "--lr", "0.5", "--ema", "none"])
    #expect(!c.theory.gaussianLatent && c.discriminatorSettings.learningRate == 0.5 && c.emaDecay == nil)
  }

  @Test func badCommandLineSettingsNameTheProblem() {
    for (arguments, expected) in [
      (["--stpes", "3"], "unknown option '--stpes'. Did you mean '--steps'?"),
      (["--steps"], "--steps needs a value: an integer > 0"),
      (["--steps", "many"], "--steps: 'many' is not an integer > 0"),
      (["--lr", "nan"], "--lr: 'nan' is not a number > 0"),
      (["--momentum", "1"], "--momentum must be a number in [0, 1), got 1"),
      (["--keep", "-1"], "--keep must be an integer ≥ 0, got -1"),
      (["--warmup", "-5"], "--warmup must be an integer ≥ 0"),
      (["--gp-weight", "-1"], "--gp-weight must be a number ≥ 0"),
      (["--evaluate-every", "-1"], "--evaluate-every must be an integer ≥ 0"),
      (["--ema", "1"], "--ema must be a number in (0, 1), or none"),
      (["--image-size", "64"], "--image-size must be an integer 28 or 32"),
      (["--optimizer", "adamw"], "graft:M:D"),
      (["steps", "3"], "unexpected argument 'steps'"),
    ] {
      var c = TrainingConfig()
      do {
        try c.apply(arguments: arguments)
        try c.validate()
        Issue.record("\(arguments) accepted")
      } catch {
        #expect("\(error)".contains(expected), "\(arguments): \(error)")
      }
    }
  }

  /// Values set in code or a file are checked by `validate()` with the same words.
  @Test func validationUsesTheDeclaredRanges() {
    var c = TrainingConfig()
    c.discriminatorSettings.epsilon = -1
    #expect(throws: ConfigError.self) { try c.validate() }
    c = TrainingConfig()
    c.theory.modes = 200
    do {
      try c.validate()
      Issue.record("more modes than dimensions accepted")
    } catch {
      #expect("\(error)".contains("--theory-modes must be at most --theory-dim"))
    }
  }

  @Test func helpListsEverySettingWithItsDefault() {
    let help = TrainingConfig.settingsHelp(keys: true)
    for s in TrainingConfig.settings {
      #expect(help.contains("--\(s.flag) ("), "\(s.flag) missing from help")
    }
    #expect(help.contains("--steps (an integer > 0; default 8000; config key steps)"))
  }
}
