import Foundation
import GraftEngine
import GraftIO

/// Pictures of samples: image grids and 2-D scatter plots, as PNG.
public enum Pictures {
  /// Tiles images [N, C, H, W] with values in [−1, 1] (C = 1 or 3) into a grid `columns` wide with a
  /// 2-pixel gap, and writes it as PNG.
  public static func writeGrid(_ images: Tensor<Float>, columns: Int = 8, to url: URL) throws {
    let (n, c, h, w) = (images.shape[0], images.shape[1], images.shape[2], images.shape[3])
    let cols = min(columns, n)
    let rows = (n + cols - 1) / cols
    let gap = 2
    let width = cols * (w + gap) + gap
    let height = rows * (h + gap) + gap
    let channels = c == 1 ? 1 : 3
    var pixels = [UInt8](repeating: 255, count: width * height * channels)
    let x = images.scalars
    for i in 0..<n {
      let top = gap + (i / cols) * (h + gap)
      let left = gap + (i % cols) * (w + gap)
      for y in 0..<h {
        for xx in 0..<w {
          for ch in 0..<channels {
            let v = x[((i * c + ch) * h + y) * w + xx]
            pixels[((top + y) * width + left + xx) * channels + ch] = byte(v)
          }
        }
      }
    }
    try PNG.write(width: width, height: height, channels: channels, pixels: pixels, to: url)
  }

  /// A 2-D scatter plot: real points in gray, generated points in blue, mode centres as red crosses,
  /// over the square [−extent, extent]²; points outside it, NaN ones included, are left out.
  public static func writeScatter(
    real: Tensor<Float>, generated: Tensor<Float>, centers: [[Float]], extent: Float, size: Int = 480, to url: URL
  ) throws {
    var pixels = [UInt8](repeating: 255, count: size * size * 3)
    func plot(_ px: Float, _ py: Float, _ color: (UInt8, UInt8, UInt8), radius: Int) {
      let fx = (px + extent) / (2 * extent) * Float(size - 1)
      let fy = (extent - py) / (2 * extent) * Float(size - 1)
      // Points off the picture (a diverging generator's huge or NaN ones) are dropped before the
      // conversion to Int, which would trap on them.
      let margin = Float(radius + 1)
      guard fx > -margin, fy > -margin, fx < Float(size) + margin, fy < Float(size) + margin else { return }
      let (cx, cy) = (Int(fx), Int(fy))
      for dy in -radius...radius {
        for dx in -radius...radius {
          let (x, y) = (cx + dx, cy + dy)
          guard x >= 0, y >= 0, x < size, y < size else { continue }
          let o = (y * size + x) * 3
          (pixels[o], pixels[o + 1], pixels[o + 2]) = color
        }
      }
    }
    for i in 0..<real.shape[0] { plot(real.scalars[2 * i], real.scalars[2 * i + 1], (170, 170, 170), radius: 1) }
    for i in 0..<generated.shape[0] {
      plot(generated.scalars[2 * i], generated.scalars[2 * i + 1], (31, 119, 180), radius: 1)
    }
    for c in centers {
      for t in -4...4 {
        plot(c[0] + Float(t) * extent / Float(size), c[1] + Float(t) * extent / Float(size), (214, 39, 40), radius: 0)
        plot(c[0] + Float(t) * extent / Float(size), c[1] - Float(t) * extent / Float(size), (214, 39, 40), radius: 0)
      }
    }
    try PNG.write(width: size, height: size, channels: 3, pixels: pixels, to: url)
  }

  static func byte(_ v: Float) -> UInt8 {
    guard v.isFinite else { return 0 }
    return UInt8(max(0, min(255, ((v + 1) * 127.5).rounded())))
  }
}
