@_exported import GraftEngine
@_exported import GraftLayers
