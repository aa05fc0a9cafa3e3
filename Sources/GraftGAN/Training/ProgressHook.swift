import Foundation

/// Progress on a terminal: one line rewritten in place (step, steps/s, ETA, latest losses); plain log
/// lines every `logEvery` steps when the output is not a terminal.
final class ProgressHook: TrainingHook {
  let total: Int
  let startStep: Int
  let logEvery: Int
  let log: (String) -> Void
  let started = Date()
  let isTerminal = isatty(STDOUT_FILENO) != 0
  var lastDraw = Date.distantPast

  init(total: Int, startStep: Int, logEvery: Int, log: @escaping (String) -> Void) {
    self.total = total
    self.startStep = startStep
    self.logEvery = logEvery
    self.log = log
  }

  func afterStep(_ trainer: Trainer, _ result: Trainer.IterationResult, elapsed: Double) {
    update(step: trainer.step, losses: trainer.lastLosses, force: trainer.step % logEvery == 0)
  }

  func update(step: Int, losses: (discriminator: Float, generator: Float), force: Bool) {
    let now = Date()
    guard force || (isTerminal && now.timeIntervalSince(lastDraw) > 0.2) || step == total else { return }
    lastDraw = now
    let elapsed = now.timeIntervalSince(started)
    let rate = elapsed > 0 ? Double(step - startStep) / elapsed : 0
    let eta = rate > 0 ? Double(total - step) / rate : 0
    // Integers interpolated, not formatted: `%d` reads 32 bits, so totals above 2³¹ printed negative.
    let text =
      "step \(step)/\(total)  \(String(format: "%.1f", rate)) steps/s  ETA \(Self.clock(eta))  "
      + String(format: "loss D %.4f  G %.4f", losses.discriminator, losses.generator)
    if isTerminal {
      FileHandle.standardOutput.write(Data(("\r\u{1B}[K" + text).utf8))
    } else if force || step == total {
      log(text)
    }
  }

  func trainingEnded() {
    if isTerminal { FileHandle.standardOutput.write(Data("\n".utf8)) }
  }

  static func clock(_ seconds: Double) -> String {
    // Beyond a century (a rate near 0) the estimate means nothing, and Int(...) of it could trap.
    guard seconds.isFinite, seconds < 3.2e9 else { return "–" }
    let s = Int(seconds.rounded())
    return s >= 3600
      ? String(format: "%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60) : String(format: "%d:%02d", s / 60, s % 60)
  }
}
