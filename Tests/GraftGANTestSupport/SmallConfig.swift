import GraftRun

/// A small, quick configuration.
public func smallConfig(dataset: Dataset = .ring8) -> TrainingConfig {
  var c = TrainingConfig()
  c.dataset = dataset
  c.steps = 30
  c.batchSize = 64
  c.width = 32
  c.logEvery = 10
  c.checkpointEvery = 10
  c.sampleEvery = 10
  if dataset == .fashionMNIST {
    c.model = .dcgan
    c.width = 8
    c.latentDimension = 16
    c.batchSize = 16
    c.steps = 6
    c.dataLimit = 200
    c.logEvery = 2
    c.checkpointEvery = 100
    c.sampleEvery = 100
  }
  return c
}
