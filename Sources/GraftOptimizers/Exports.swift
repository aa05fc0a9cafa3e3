@_exported import GraftEngine
@_exported import GraftIO
@_exported import GraftLayers
