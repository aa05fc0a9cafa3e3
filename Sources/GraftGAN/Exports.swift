@_exported import GraftData
@_exported import GraftIO
@_exported import GraftOptimizers
