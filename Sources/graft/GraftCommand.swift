import ArgumentParser
import Foundation
import GraftEngine

struct GraftCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "graft",
    abstract: "Train GANs and dissect the optimizers that train them (Jelassi et al., 2022).",
    subcommands: [
      TrainCommand.self, SampleCommand.self, EvaluateCommand.self, SweepCommand.self, ClassifierCommand.self,
      DissectCommand.self, ReproduceCommand.self, InfoCommand.self, ReportCommand.self, BenchCommand.self,
      LayerScalesCommand.self, FeaturesCommand.self, FIDCommand.self,
    ],
    defaultSubcommand: TrainCommand.self
  )
}

@main
enum Entry {
  static func main() {
    Runtime.flushStandardOutputByLine()
    Runtime.prepareForTraining()
    SweepParent.follow()
    do {
      var command = try GraftCommand.parseAsRoot()
      do {
        try command.run()
      } catch let error as ValidationError {
        // Thrown while running (a setting out of range, a directory that cannot be used): the message says
        // what to do, so it stands alone, without the usage lines ArgumentParser adds to parsing errors.
        FileHandle.standardError.write(Data("Error: \(error.message)\n".utf8))
        Foundation.exit(ExitCode.validationFailure.rawValue)
      }
    } catch {
      GraftCommand.exit(withError: error)
    }
  }
}
