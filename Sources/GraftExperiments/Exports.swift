@_exported import GraftEval
@_exported import GraftGAN
@_exported import GraftReport
