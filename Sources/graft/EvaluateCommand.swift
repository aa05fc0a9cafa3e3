import ArgumentParser
import Foundation
import GraftData
import GraftEngine
import GraftEval
import GraftGAN
import GraftIO
import GraftRun

/// `graft evaluate RUN_DIR`: the run's metrics from its checkpoint into RUN_DIR/eval.json.
struct EvaluateCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "evaluate",
    abstract: "Compute a run's metrics from its latest checkpoint and write RUN_DIR/eval.json.",
    discussion:
      "Mixtures: modes covered, high-quality share, KL to uniform. Synthetic setting: best cosine per mode, modes recovered. Fashion-MNIST: FID in the committed classifier's features against the test set, class coverage, KL, confidence; KID (kid ± kidStd) and precision/recall beside FID, and all four plus FID in the features before the penultimate ReLU (keys ending in PreReLU)."
  )

  @Argument(help: "The run directory.") var runDirectory: String
  @Option(help: "A checkpoint file instead of the run's latest.") var checkpoint: String?
  @Option(
    help:
      "pytorch-fid's Inception weights (pt_inception-2015-12-05-6726825d.pth): adds 'inception' to eval.json (FID, KID, precision/recall, Inception Score in its features) for image runs."
  )
  var inceptionWeights: String?
  @Flag(
    help:
      "Add the Inception metrics with pytorch-fid's weights from the cache ($GRAFT_CACHE_DIR, else $XDG_CACHE_HOME/graft, else ~/.cache/graft), downloaded there once and verified when missing ($GRAFT_INCEPTION_WEIGHTS_URL names a mirror)."
  )
  var inception = false
  @Option(help: "Samples and test images for the Inception metrics (papers use 10 000 or 50 000; slow on a CPU).")
  var inceptionSamples: Int = 1000

  func validate() throws {
    guard inceptionSamples >= 2 else {
      throw ValidationError("--inception-samples must be at least 2, got \(inceptionSamples)")
    }
  }

  func run() throws {
    let weights =
      inception || inceptionWeights != nil
      ? try InceptionWeights.locate(path: inceptionWeights) { FileHandle.standardError.write(Data(($0 + "\n").utf8)) }
      : nil
    let (data, file) = try writeEvaluation(
      of: URL(fileURLWithPath: runDirectory), checkpoint: checkpoint.map { URL(fileURLWithPath: $0) },
      inception: weights.map { ($0, inceptionSamples) })
    print(String(decoding: data, as: UTF8.self))
    print("graft: wrote \(file.path)")
  }
}

/// Measures the run in `directory` at `checkpoint` (nil: its latest) and writes its eval.json, holding the
/// run's lock: the evaluation, with batch norm in training mode too for image runs that have it, and
/// pytorch-fid's Inception metrics on `inception.samples` samples when `inception` names the weights.
/// Returns the file's bytes and its path.
func writeEvaluation(
  of directory: URL, checkpoint: URL? = nil, inception: (weights: URL, samples: Int)? = nil
) throws -> (Data, URL) {
  // eval.json is one of the run's files: written holding the run's lock, like every other, so that it is
  // not measured from (or written beside) a checkpoint a live training is replacing. (A missing
  // directory is Trainer.load's to report: taking the lock would create it.)
  var isDirectory: ObjCBool = false
  var lock: RunLock?
  if FileManager.default.fileExists(atPath: directory.path, isDirectory: &isDirectory) && isDirectory.boolValue {
    do {
      lock = try RunLock.acquire(directory)
    } catch let error as RunLockedError {
      let who = error.holder > 0 ? "process \(error.holder)" : "another process"
      throw TrainingError(
        message: "\(directory.path) is being written by \(who); evaluate it once that has stopped (graft evaluate "
          + "writes the run's eval.json, so it takes the run's lock like training does)")
    }
  }
  defer { lock?.release() }
  let trainer = try Trainer.load(directory, checkpoint: checkpoint)
  attachImageEvaluator(to: trainer)
  // Image runs with batch norm: the same metrics with batch norm using each batch's statistics, since
  // a GAN's generator is often sampled that way and the two can differ a lot.
  let trainMode = trainer.imageEvaluator != nil && trainer.generatorHasBatchNorm
  let inceptionResult = try inception.map { try inceptionMetrics(of: trainer, weights: $0.weights, count: $0.samples) }
  let data = try EvaluationFile(
    evaluation: try trainer.evaluation(), step: trainer.step, provenance: .current,
    batchNormTrainMode: trainMode ? try trainer.evaluation(batchNormTraining: true) : nil, inception: inceptionResult
  ).encoded()
  let file = RunDirectory(directory).evaluation
  try AtomicFile.write(data, to: file)
  return (data, file)
}

/// Gives Fashion-MNIST runs the committed classifiers' metrics (FID, KID, precision/recall, class coverage). The
/// evaluator (the test set's features in each space) is built at the first evaluation and kept for the run.
func attachImageEvaluator(to trainer: Trainer) {
  guard trainer.config.dataset == .fashionMNIST else { return }
  let directory = trainer.config.dataDirectory ?? FashionMNIST.defaultDirectory
  let built = EvaluatorBox()
  trainer.imageEvaluator = { samples in
    let evaluator = try built.value ?? ImageEvaluator.fashionMNIST(directory: directory)
    built.value = evaluator
    let padded = trainer.config.imageSize == 32 ? samples : pad(samples, to: 32)
    return try evaluator.evaluate(samples: padded)
  }
}

/// Holds the evaluator once built.
private final class EvaluatorBox {
  var value: ImageEvaluator?
}

/// 28x28 samples centred on background −1 at 32x32, as the classifier sees Fashion-MNIST.
private func pad(_ images: Tensor<Float>, to side: Int) -> Tensor<Float> {
  let (n, c, h) = (images.shape[0], images.shape[1], images.shape[2])
  let border = (side - h) / 2
  let rows = Tensor<Float>(shape: [n, c, border, h], repeating: -1)
  let tall = Tensor.concatenated([rows, images, rows], alongAxis: 2)
  let columns = Tensor<Float>(shape: [n, c, side, border], repeating: -1)
  return Tensor.concatenated([columns, tall, columns], alongAxis: 3)
}
