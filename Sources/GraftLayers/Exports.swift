@_exported import GraftEngine
