// Python's pickle format is a small stack machine whose GLOBAL and REDUCE opcodes import and call any
// Python function, which is why `torch.load` of an untrusted file can run code. A state dict needs
// only four callables (an OrderedDict, a tensor rebuilt from a storage, a parameter wrapping one, and
// the storage types named inside persistent ids), so this reader knows those by name and refuses
// every other global before anything could be called: it evaluates nothing, it only builds values.

/// A value the restricted unpickler builds: Python's data types, plus the few PyTorch objects a state
/// dict holds.
indirect enum PickleValue {
  case none
  case bool(Bool)
  case int(Int)
  /// An integer wider than 64 bits, as its little-endian two's-complement bytes.
  case bigInt([UInt8])
  case float(Double)
  case string(String)
  case bytes([UInt8])
  case tuple([PickleValue])
  /// A list; a reference, as later opcodes append to it through the memo.
  case list(PickleList)
  /// A dict or OrderedDict (both keep insertion order here); a reference, as later opcodes fill it.
  case dict(PickleDict)
  /// One of the callables a state dict needs.
  case global(AllowedGlobal)
  /// A storage named by a persistent id: its key in the file, element type and element count.
  case storage(TorchStorageReference)
  /// A view of a storage (`torch._utils._rebuild_tensor_v2`).
  case tensor(TorchTensorView)

  /// How errors describe the value: its Python type.
  var typeName: String {
    switch self {
    case .none: "None"
    case .bool: "bool"
    case .int, .bigInt: "int"
    case .float: "float"
    case .string: "str"
    case .bytes: "bytes"
    case .tuple: "tuple"
    case .list: "list"
    case .dict: "dict"
    case .global(let g): g.pythonName
    case .storage: "storage"
    case .tensor: "tensor"
    }
  }
}

/// A mutable Python list.
final class PickleList {
  var elements: [PickleValue] = []
}

/// A mutable Python dict, in insertion order (keys are strings or integers in a state dict).
final class PickleDict {
  var entries: [(key: PickleValue, value: PickleValue)] = []
}

/// The only globals a pickled state dict may name.
enum AllowedGlobal: Equatable {
  case orderedDict
  case rebuildTensorV2
  case rebuildParameter
  case storageType(TorchDType)

  /// The global for `module.name`, or nil for anything else.
  init?(module: String, name: String) {
    switch (module, name) {
    case ("collections", "OrderedDict"): self = .orderedDict
    case ("torch._utils", "_rebuild_tensor_v2"): self = .rebuildTensorV2
    case ("torch._utils", "_rebuild_parameter"): self = .rebuildParameter
    case ("torch", _):
      guard let dtype = TorchDType(storageName: name) else { return nil }
      self = .storageType(dtype)
    default: return nil
    }
  }

  var pythonName: String {
    switch self {
    case .orderedDict: "collections.OrderedDict"
    case .rebuildTensorV2: "torch._utils._rebuild_tensor_v2"
    case .rebuildParameter: "torch._utils._rebuild_parameter"
    case .storageType(let dtype): "torch.\(dtype.storageName)"
    }
  }
}

/// A storage as a persistent id names it: `('storage', torch.FloatStorage, key, location, numel[, view])`.
struct TorchStorageReference {
  let key: String
  let dtype: TorchDType
  let count: Int
}

/// A tensor as `_rebuild_tensor_v2(storage, offset, size, stride, ...)` describes it, in elements.
struct TorchTensorView {
  let storage: TorchStorageReference
  let offset: Int
  let shape: [Int]
  let strides: [Int]
}

/// Reads one pickle (protocols 0–5's binary opcodes that state dicts use) without executing anything.
///
/// Persistent ids (`BINPERSID`) become storages through `TorchStorageReference`; `GLOBAL` of anything
/// but `AllowedGlobal` throws `GraftIOError.refusedPickleGlobal` naming it; `REDUCE` calls only the
/// allowed callables, interpreted here. Every length is checked against the bytes left.
struct RestrictedUnpickler {
  let bytes: [UInt8]
  let source: String
  private(set) var position: Int

  init(bytes: [UInt8], source: String, start: Int = 0) {
    self.bytes = bytes
    self.source = source
    self.position = start
  }

  private var stack: [PickleValue] = []
  private var marks: [Int] = []
  private var memo: [Int: PickleValue] = [:]
  /// Every list and dict made so far. A pickle can put a container inside itself (a cycle, which reference
  /// counting never frees: found by libFuzzer's leak check), so the reader empties them all once it has
  /// what it needs (`releaseContainers`).
  private let made = MadeContainers()

  private final class MadeContainers {
    var lists: [PickleList] = []
    var dicts: [PickleDict] = []
  }

  private func newList() -> PickleList {
    let list = PickleList()
    made.lists.append(list)
    return list
  }

  private func newDict() -> PickleDict {
    let dict = PickleDict()
    made.dicts.append(dict)
    return dict
  }

  /// Empties every list and dict this unpickler made, which breaks any cycle among them. The values
  /// `load` returned lose their contents: call it after reading them.
  func releaseContainers() {
    for list in made.lists { list.elements = [] }
    for dict in made.dicts { dict.entries = [] }
    made.lists = []
    made.dicts = []
  }

  private func malformed(_ problem: String) -> GraftIOError {
    .malformed(
      file: source,
      problem: "its pickle \(problem) (at byte \(position)); the file is corrupt or not a PyTorch state dict")
  }

  // MARK: Reading bytes

  private mutating func take(_ count: Int) throws -> ArraySlice<UInt8> {
    guard count >= 0, count <= bytes.count - position else {
      throw malformed("ends inside an opcode's argument (\(count) bytes needed, \(bytes.count - position) left)")
    }
    defer { position += count }
    return bytes[position..<(position + count)]
  }

  private mutating func byte() throws -> UInt8 { try take(1).first! }

  /// A little-endian unsigned integer of `width` bytes.
  private mutating func unsigned(_ width: Int) throws -> UInt64 {
    try take(width).reversed().reduce(0) { $0 << 8 | UInt64($1) }
  }

  private mutating func line() throws -> String {
    guard let end = bytes[position...].firstIndex(of: UInt8(ascii: "\n")) else {
      throw malformed("has a text argument with no end of line")
    }
    let text = String(decoding: bytes[position..<end], as: UTF8.self)
    position = end + 1
    return text
  }

  private mutating func utf8(_ count: Int) throws -> String {
    let slice = try take(count)
    guard let text = String(validating: slice, as: UTF8.self) else {
      throw malformed("holds a string that is not UTF-8")
    }
    return text
  }

  private mutating func length(_ width: Int) throws -> Int {
    let n = try unsigned(width)
    guard n <= UInt64(bytes.count - position) else {
      throw malformed("declares \(n) bytes of data where only \(bytes.count - position) are left")
    }
    return Int(n)
  }

  // MARK: The stack

  private mutating func pop() throws -> PickleValue {
    guard let value = stack.popLast(), stack.count >= (marks.last ?? 0) else { throw malformed("pops an empty stack") }
    return value
  }

  private mutating func popMark() throws -> [PickleValue] {
    guard let mark = marks.popLast(), mark <= stack.count else { throw malformed("has no MARK for a collection") }
    defer { stack.removeSubrange(mark...) }
    return Array(stack[mark...])
  }

  private mutating func top() throws -> PickleValue {
    guard let value = stack.last, stack.count > (marks.last ?? 0) else { throw malformed("reads an empty stack") }
    return value
  }

  // MARK: Running

  /// Runs the opcodes from the current position to STOP and returns the value left; `position` is then
  /// just past the STOP (the next pickle, in the legacy format, starts there).
  mutating func load() throws -> PickleValue {
    stack = []
    marks = []
    memo = [:]
    while true {
      let opcode = try byte()
      switch opcode {
      case 0x80: _ = try byte()  // PROTO n
      case 0x95: _ = try take(8)  // FRAME: a length hint
      case UInt8(ascii: "."):  // STOP
        let value = try pop()
        guard stack.isEmpty else { throw malformed("leaves \(stack.count) values besides its result") }
        return value
      case UInt8(ascii: "("): marks.append(stack.count)  // MARK
      case UInt8(ascii: "N"): stack.append(.none)
      case 0x88: stack.append(.bool(true))  // NEWTRUE
      case 0x89: stack.append(.bool(false))  // NEWFALSE
      case UInt8(ascii: "J"): stack.append(.int(Int(Int32(bitPattern: UInt32(try unsigned(4))))))  // BININT
      case UInt8(ascii: "K"): stack.append(.int(Int(try byte())))  // BININT1
      case UInt8(ascii: "M"): stack.append(.int(Int(try unsigned(2))))  // BININT2
      case 0x8a: stack.append(try long(Int(try byte())))  // LONG1
      case 0x8b: stack.append(try long(try length(4)))  // LONG4
      case UInt8(ascii: "I"), UInt8(ascii: "L"):  // INT, LONG (text)
        let text = try line()
        switch text {
        case "01": stack.append(.bool(true))
        case "00": stack.append(.bool(false))
        default:
          guard let n = Int(text.hasSuffix("L") ? String(text.dropLast()) : text) else {
            throw malformed("has an integer '\(text.escapedForMessage)' that is not one")
          }
          stack.append(.int(n))
        }
      case UInt8(ascii: "G"): stack.append(.float(Double(bitPattern: try take(8).reduce(0) { $0 << 8 | UInt64($1) })))
      case UInt8(ascii: "X"): stack.append(.string(try utf8(try length(4))))  // BINUNICODE
      case 0x8c: stack.append(.string(try utf8(try length(1))))  // SHORT_BINUNICODE
      case 0x8d: stack.append(.string(try utf8(try length(8))))  // BINUNICODE8
      case UInt8(ascii: "T"): stack.append(.string(try utf8(try length(4))))  // BINSTRING (ASCII in a state dict)
      case UInt8(ascii: "U"): stack.append(.string(try utf8(try length(1))))  // SHORT_BINSTRING
      case UInt8(ascii: "B"): stack.append(.bytes(Array(try take(try length(4)))))  // BINBYTES
      case UInt8(ascii: "C"): stack.append(.bytes(Array(try take(try length(1)))))  // SHORT_BINBYTES
      case UInt8(ascii: ")"): stack.append(.tuple([]))  // EMPTY_TUPLE
      case UInt8(ascii: "t"): stack.append(.tuple(try popMark()))  // TUPLE
      case 0x85: stack.append(.tuple([try pop()]))  // TUPLE1
      case 0x86:  // TUPLE2
        let b = try pop()
        stack.append(.tuple([try pop(), b]))
      case 0x87:  // TUPLE3
        let c = try pop()
        let b = try pop()
        stack.append(.tuple([try pop(), b, c]))
      case UInt8(ascii: "]"): stack.append(.list(newList()))  // EMPTY_LIST
      case UInt8(ascii: "l"):  // LIST
        let list = newList()
        list.elements = try popMark()
        stack.append(.list(list))
      case UInt8(ascii: "}"): stack.append(.dict(newDict()))  // EMPTY_DICT
      case UInt8(ascii: "d"):  // DICT
        let dict = newDict()
        try setItems(dict, try popMark())
        stack.append(.dict(dict))
      case UInt8(ascii: "a"):  // APPEND
        let value = try pop()
        guard case .list(let list) = try top() else { throw malformed("appends to a \(try top().typeName)") }
        list.elements.append(value)
      case UInt8(ascii: "e"):  // APPENDS
        let values = try popMark()
        guard case .list(let list) = try top() else { throw malformed("appends to a \(try top().typeName)") }
        list.elements += values
      case UInt8(ascii: "s"):  // SETITEM
        let value = try pop()
        let key = try pop()
        guard case .dict(let dict) = try top() else { throw malformed("sets an item of a \(try top().typeName)") }
        try setItems(dict, [key, value])
      case UInt8(ascii: "u"):  // SETITEMS
        let items = try popMark()
        guard case .dict(let dict) = try top() else { throw malformed("sets items of a \(try top().typeName)") }
        try setItems(dict, items)
      case UInt8(ascii: "q"): memo[Int(try byte())] = try top()  // BINPUT
      case UInt8(ascii: "r"): memo[Int(try unsigned(4))] = try top()  // LONG_BINPUT
      case 0x94: memo[memo.count] = try top()  // MEMOIZE
      case UInt8(ascii: "p"):  // PUT
        guard let index = Int(try line()) else { throw malformed("has a PUT index that is not a number") }
        memo[index] = try top()
      case UInt8(ascii: "h"): stack.append(try memoized(Int(try byte())))  // BINGET
      case UInt8(ascii: "j"): stack.append(try memoized(Int(try unsigned(4))))  // LONG_BINGET
      case UInt8(ascii: "g"):  // GET
        guard let index = Int(try line()) else { throw malformed("has a GET index that is not a number") }
        stack.append(try memoized(index))
      case UInt8(ascii: "0"): _ = try pop()  // POP
      case UInt8(ascii: "1"): _ = try popMark()  // POP_MARK
      case UInt8(ascii: "2"): stack.append(try top())  // DUP
      case UInt8(ascii: "c"):  // GLOBAL module\nname\n
        let module = try line()
        let name = try line()
        stack.append(.global(try allowed(module: module, name: name)))
      case 0x93:  // STACK_GLOBAL
        let name = try pop()
        let module = try pop()
        guard case .string(let m) = module, case .string(let n) = name else {
          throw malformed("names a global with a \(module.typeName) and a \(name.typeName), not two strings")
        }
        stack.append(.global(try allowed(module: m, name: n)))
      case UInt8(ascii: "Q"): stack.append(try persistent(try pop()))  // BINPERSID
      case UInt8(ascii: "R"):  // REDUCE
        let arguments = try pop()
        let callable = try pop()
        stack.append(try call(callable, arguments))
      case 0x81:  // NEWOBJ: cls.__new__(cls, *args); only OrderedDict is a class here
        let arguments = try pop()
        let callable = try pop()
        stack.append(try call(callable, arguments))
      case UInt8(ascii: "b"):  // BUILD
        // A state dict's OrderedDict carries `_metadata` (each module's version) as an instance
        // attribute, which BUILD sets; it is not an entry, and nothing here needs it.
        let state = try pop()
        let object = try top()
        guard case .dict = object, case .dict = state else {
          throw malformed(
            "sets the state of a \(object.typeName) from a \(state.typeName), which a state dict never does")
        }
      default:
        position -= 1
        throw malformed(
          "uses opcode 0x\(String(opcode, radix: 16)) ('\(String(Character(Unicode.Scalar(opcode))).escapedForMessage)'), "
            + "which a PyTorch state dict does not need"
        )
      }
    }
  }

  /// A two's-complement little-endian integer of `count` bytes (LONG1, LONG4): an Int, or its bytes
  /// when it does not fit in 8 (the legacy format's magic number is a 10-byte LONG1).
  private mutating func long(_ count: Int) throws -> PickleValue {
    let digits = try take(count)
    guard count <= 8 else { return .bigInt(Array(digits)) }
    guard count > 0 else { return .int(0) }
    var value = digits.reversed().reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
    if digits.last! & 0x80 != 0 && count < 8 { value |= ~UInt64(0) << UInt64(8 * count) }
    return .int(Int(Int64(bitPattern: value)))
  }

  private func memoized(_ index: Int) throws -> PickleValue {
    guard let value = memo[index] else { throw malformed("reads memo entry \(index), which was never stored") }
    return value
  }

  private func allowed(module: String, name: String) throws -> AllowedGlobal {
    guard let global = AllowedGlobal(module: module, name: name) else {
      throw GraftIOError.refusedPickleGlobal(file: source, global: "\(module).\(name)".escapedForMessage)
    }
    return global
  }

  private func setItems(_ dict: PickleDict, _ items: [PickleValue]) throws {
    guard items.count % 2 == 0 else { throw malformed("sets dict items from an odd number of values") }
    for i in stride(from: 0, to: items.count, by: 2) {
      switch items[i] {
      case .string, .int, .tuple, .bool, .none: break
      default: throw malformed("uses a \(items[i].typeName) as a dict key")
      }
      dict.entries.append((items[i], items[i + 1]))
    }
  }

  /// `('storage', torch.XStorage, key, location, numel[, view_metadata])`.
  private func persistent(_ id: PickleValue) throws -> PickleValue {
    guard case .tuple(let parts) = id, parts.count >= 5, case .string("storage") = parts[0],
      case .global(.storageType(let dtype)) = parts[1], case .string(let key) = parts[2],
      case .int(let count) = parts[4], count >= 0
    else {
      throw malformed("has a persistent id that is not ('storage', torch.XStorage, key, location, size)")
    }
    return .storage(TorchStorageReference(key: key, dtype: dtype, count: count))
  }

  /// Interprets a call of an allowed global; nothing is executed.
  private func call(_ callable: PickleValue, _ arguments: PickleValue) throws -> PickleValue {
    guard case .tuple(let args) = arguments else { throw malformed("calls with a \(arguments.typeName), not a tuple") }
    guard case .global(let global) = callable else { throw malformed("calls a \(callable.typeName)") }
    switch global {
    case .orderedDict:
      guard args.isEmpty else { throw malformed("builds an OrderedDict from arguments") }
      return .dict(newDict())
    case .rebuildParameter:
      guard let first = args.first, case .tensor = first else { throw malformed("builds a parameter from no tensor") }
      return first
    case .rebuildTensorV2:
      guard args.count >= 4, case .storage(let storage) = args[0], case .int(let offset) = args[1],
        case .tuple(let size) = args[2], case .tuple(let stride) = args[3], size.count == stride.count
      else {
        throw malformed("rebuilds a tensor from arguments other than (storage, offset, size, stride, ...)")
      }
      let shape = try size.map { value -> Int in
        guard case .int(let n) = value, n >= 0 else {
          throw malformed("gives a tensor a size that is not a non-negative integer")
        }
        return n
      }
      let strides = try stride.map { value -> Int in
        guard case .int(let n) = value, n >= 0 else {
          throw malformed("gives a tensor a stride that is not a non-negative integer")
        }
        return n
      }
      return .tensor(TorchTensorView(storage: storage, offset: offset, shape: shape, strides: strides))
    case .storageType(let dtype):
      throw malformed("calls torch.\(dtype.storageName) directly instead of naming a storage")
    }
  }
}

extension String {
  /// The string with control characters (a newline in a name read from a file, say) written as Swift
  /// escapes, so that an error message quoting it stays one line.
  var escapedForMessage: String {
    unicodeScalars.map { $0.properties.generalCategory == .control ? $0.escaped(asASCII: true) : String($0) }.joined()
  }
}
