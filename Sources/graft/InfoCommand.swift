import ArgumentParser
import Foundation
import GraftEngine
import GraftGAN
import GraftOptimizers
import GraftRun

/// `graft info`: what can be trained, with what, and every setting with its default.
struct InfoCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "info",
    abstract: "List data sets, models, losses, optimizers, presets and every setting with its default.")

  func run() throws {
    func row(_ name: String, _ text: String) {
      print("  \(name.padding(toLength: 15, withPad: " ", startingAt: 0)) \(text)")
    }
    print("Data sets (--dataset):")
    for d in Dataset.allCases { row(d.rawValue, d.summary) }
    print("Models (--model):")
    for m in Architecture.allCases { row(m.rawValue, m.summary) }
    print("Losses (--loss): " + GANLoss.allCases.map(\.rawValue).joined(separator: ", "))
    print("Game rules (--game):")
    for rule in GameRuleName.allCases { row(rule.rawValue, rule.summary) }
    print("Optimizers (--optimizer, --g-optimizer, --d-optimizer):")
    for (spec, text) in OptimizerSpec.descriptions { row(spec.name, text) }
    row(
      "graft:M:D",
      "M's magnitude, D's direction: M and D from \(OptimizerSpec.partNames.joined(separator: ", ")), "
        + "ada-nsgda, sgda-ada or another graft:M:D, e.g. graft:adam:sgd")
    print("Presets (--preset):")
    for p in TrainingConfig.presets { row(p.name, p.summary) }
    print("")
    print(
      "Settings: flag, what it is, valid values, default, and its key in config files (JSON or YAML, nested at the dots)."
    )
    print(TrainingConfig.settingsHelp(keys: true))
    print("")
    // What a run's numbers depend on besides its settings (also in every config.json and summary.json).
    print("This build and machine: \(Provenance.current.line)")
    if let note = Runtime.blasCoreTypeNote { print("Note: \(note)") }
  }
}
