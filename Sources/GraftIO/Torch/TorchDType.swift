/// The element types of PyTorch storages, as a pickled state dict names them (`torch.FloatStorage`, ...).
public enum TorchDType: String, Sendable, CaseIterable {
  case float32, float64, float16, bfloat16, int64, int32, int16, int8, uint8, bool

  /// The storage class's name in a pickle, e.g. "FloatStorage".
  var storageName: String {
    switch self {
    case .float32: "FloatStorage"
    case .float64: "DoubleStorage"
    case .float16: "HalfStorage"
    case .bfloat16: "BFloat16Storage"
    case .int64: "LongStorage"
    case .int32: "IntStorage"
    case .int16: "ShortStorage"
    case .int8: "CharStorage"
    case .uint8: "ByteStorage"
    case .bool: "BoolStorage"
    }
  }

  /// The dtype whose storage class is called `storageName`, or nil.
  init?(storageName: String) {
    guard let dtype = Self.allCases.first(where: { $0.storageName == storageName }) else { return nil }
    self = dtype
  }

  /// Bytes per element.
  public var byteWidth: Int {
    switch self {
    case .float64, .int64: 8
    case .float32, .int32: 4
    case .float16, .bfloat16, .int16: 2
    case .int8, .uint8, .bool: 1
    }
  }

  /// Whether the values are floating-point numbers.
  public var isFloatingPoint: Bool { [.float32, .float64, .float16, .bfloat16].contains(self) }
}
