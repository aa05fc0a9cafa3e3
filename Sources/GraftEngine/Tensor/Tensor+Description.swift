import Foundation

extension Tensor: CustomStringConvertible {
  /// Prints like PyTorch: `tensor([[ 1.5000, -2.0000], ...])`, summarised with `...` beyond 1000
  /// elements, with the dtype for Double and `requires_grad=True` for tracked tensors.
  public var description: String {
    var suffix = ""
    if Scalar.self == Double.self { suffix += ", dtype=torch.float64" }
    if let node {
      suffix += node.op == "leaf" ? ", requires_grad=True" : ", grad_fn=<\(node.op)>"
    }
    let summarize = count > 1000
    let format = ScalarFormat(scalars.map { Double($0) })
    if rank == 0 { return "tensor(\(format.string(Double(scalars[0])).trimmingCharacters(in: .whitespaces))\(suffix))" }
    let body = render(dim: 0, offset: 0, indent: 7, format: format, summarize: summarize)
    return "tensor(\(body)\(suffix))"
  }

  private func render(dim: Int, offset: Int, indent: Int, format: ScalarFormat, summarize: Bool) -> String {
    let size = shape[dim]
    let inner = shape[(dim + 1)...].reduce(1, *)
    let edge = 3
    let indices: [Int?] =
      summarize && size > 2 * edge ? Array(0..<edge) + [nil] + Array((size - edge)..<size) : Array(0..<size)
    if dim == rank - 1 {
      let items = indices.map { i in i.map { format.string(Double(scalars[offset + $0])) } ?? "..." }
      return "[" + items.joined(separator: ", ") + "]"
    }
    let separator = "," + String(repeating: "\n", count: rank - dim - 1) + String(repeating: " ", count: indent + 1)
    let items = indices.map { i in
      i.map {
        render(dim: dim + 1, offset: offset + $0 * inner, indent: indent + 1, format: format, summarize: summarize)
      }
        ?? "..."
    }
    return "[" + items.joined(separator: separator) + "]"
  }
}

/// PyTorch's choice of number format for a whole tensor: integers as `3.`, otherwise 4 decimals, or
/// scientific notation when the magnitudes span too wide a range.
private struct ScalarFormat {
  enum Style { case integer, fixed, scientific }
  let style: Style
  let width: Int

  init(_ values: [Double]) {
    let finite = values.filter { $0.isFinite }
    let magnitudes = finite.map { abs($0) }.filter { $0 > 0 }
    let maxM = magnitudes.max() ?? 0
    let minM = magnitudes.min() ?? 0
    if finite.allSatisfy({ $0 == $0.rounded() }) && maxM < 1e8 {
      style = .integer
    } else if maxM / max(minM, .leastNonzeroMagnitude) > 1000 || maxM > 1e8 || minM < 1e-4 {
      style = .scientific
    } else {
      style = .fixed
    }
    var w = 0
    for v in values { w = max(w, Self.plain(v, style).count) }
    width = w
  }

  static func plain(_ v: Double, _ style: Style) -> String {
    if v.isNaN { return "nan" }
    if v.isInfinite { return v > 0 ? "inf" : "-inf" }
    switch style {
    case .integer: return String(format: "%.0f.", v)
    case .fixed: return String(format: "%.4f", v)
    case .scientific: return String(format: "%.4e", v)
    }
  }

  func string(_ v: Double) -> String {
    let s = Self.plain(v, style)
    return String(repeating: " ", count: max(0, width - s.count)) + s
  }
}
