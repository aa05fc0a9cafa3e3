import ArgumentParser
import GraftEngine

struct GraftCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "graft",
    abstract: "Train GANs and dissect the optimizers that train them (Jelassi et al., 2022).",
    subcommands: [
      TrainCommand.self, SampleCommand.self, EvaluateCommand.self, SweepCommand.self, ClassifierCommand.self,
      ReproduceCommand.self, InfoCommand.self, ReportCommand.self, DemoCommand.self, BenchCommand.self,
    ],
    defaultSubcommand: TrainCommand.self
  )
}

@main
enum Entry {
  static func main() {
    Runtime.prepareForTraining()
    SweepParent.follow()
    GraftCommand.main()
  }
}
