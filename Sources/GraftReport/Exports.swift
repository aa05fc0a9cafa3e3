@_exported import GraftGAN
