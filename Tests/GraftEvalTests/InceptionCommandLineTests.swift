import Foundation
import GraftEngine
import GraftEval
import GraftIO
import GraftTestSupport
import Testing

@Suite("graft features inception and graft fid, through the binary")
struct InceptionCommandLineTests {
  @Test func fidOfAStatisticsFileAndAFeaturesFile() throws {
    let stats = try fixtureURL("metrics/stats_a.npz", in: .module, writtenBy: "Scripts/make_metric_fixtures.py")
    let features = try fixtureURL("metrics/features_b.npy", in: .module, writtenBy: "Scripts/make_metric_fixtures.py")
    let expected =
      try JSONSerialization.jsonObject(
        with: Data(
          contentsOf: try fixtureURL("metrics/expected.json", in: .module, writtenBy: "Scripts/make_metric_fixtures.py")
        )
      ) as! [String: Any]
    let (status, output) = try runGraft(["fid", stats.path, features.path])
    #expect(status == 0, "\(output)")
    let value = try #require(Double(output.trimmingCharacters(in: .whitespacesAndNewlines)), "\(output)")
    #expect(abs(value - (expected["fid"] as! Double)) < 1e-3)

    let (badStatus, badOutput) = try runGraft(["fid", stats.path, "/nonexistent/b.npy"])
    #expect(badStatus != 0)
    #expect(badOutput.contains("/nonexistent/b.npy") && badOutput.contains("no such file"), "\(badOutput)")
  }

  @Test func featuresInceptionWritesWhatTheLibraryComputes() throws {
    try withTemporaryDirectory { dir in
      var file = SafeTensorsFile()
      let parameters = try InceptionTestWeights.parameters()
      let network = try FIDInceptionV3(parameters: { name, shape in
        let t = try parameters(name, shape)
        file[name] = .float(t)
        return t
      })
      let weights = dir.appendingPathComponent("inception.safetensors")
      try file.write(to: weights)
      let images = try inceptionFixture("images_gray.npy")
      let expected = try network.features(of: try NPY.read(images, as: Float.self))
      for (flag, want) in [([String](), expected.pool), (["--logits"], expected.logits)] {
        let out = dir.appendingPathComponent("out.npy")
        let (status, output) = try runGraft(
          ["features", "inception", "--weights", weights.path, "--images", images.path, "--out", out.path] + flag)
        #expect(status == 0, "\(output)")
        let got = try NPY.read(out, as: Float.self)
        #expect(got.shape == want.shape)
        #expect(got.scalars == want.scalars)
      }
      // A generator's [-1, 1] samples, rescaled by the flag, give the same features.
      let signed = dir.appendingPathComponent("signed.npy")
      try NPY.write(try NPY.read(images, as: Float.self) * 2 - 1, to: signed)
      let rescaled = dir.appendingPathComponent("rescaled.npy")
      let (signedStatus, signedOutput) = try runGraft(
        [
          "features", "inception", "--weights", weights.path, "--images", signed.path, "--out", rescaled.path,
          "--minus-one-to-one",
        ])
      #expect(signedStatus == 0, "\(signedOutput)")
      let pool = try NPY.read(rescaled, as: Float.self).scalars
      let scale = expected.pool.scalars.map(abs).max()!
      #expect(zip(pool, expected.pool.scalars).allSatisfy { abs($0 - $1) <= 1e-5 * scale })

      // A weights file that would run code is refused in one line, naming the call.
      let pickle: [UInt8] = [0x80, 0x02] + Array("cos\nsystem\nX\u{5}\0\0\0echo!\u{85}R.".utf8)
      let evil = dir.appendingPathComponent("evil.pth")
      try Data(pickle).write(to: evil)
      let out = dir.appendingPathComponent("never.npy")
      let (status, output) = try runGraft(
        ["features", "inception", "--weights", evil.path, "--images", images.path, "--out", out.path])
      #expect(status != 0)
      #expect(output.contains("os.system") && output.contains(evil.path), "\(output)")
      #expect(!FileManager.default.fileExists(atPath: out.path))
    }
  }

  /// `graft evaluate --inception-weights` adds the Inception metrics of a Fashion-MNIST run to eval.json.
  @Test(
    .enabled(
      if: FileManager.default.fileExists(atPath: "/usr/share/datasets/fashion-mnist/t10k-images-idx3-ubyte.gz"),
      "Fashion-MNIST is not installed (apt-get install dataset-fashion-mnist)"))
  func evaluateAddsInceptionMetrics() throws {
    try withTemporaryDirectory { dir in
      var file = SafeTensorsFile()
      let parameters = try InceptionTestWeights.parameters()
      _ = try FIDInceptionV3(parameters: { name, shape in
        let t = try parameters(name, shape)
        file[name] = .float(t)
        return t
      })
      let weights = dir.appendingPathComponent("inception.safetensors")
      try file.write(to: weights)
      let run = dir.appendingPathComponent("run")
      let (trained, trainOutput) = try runGraft([
        "train", "--preset", "fashion-dcgan", "--steps", "2", "--data-limit", "200", "--width", "8",
        "--evaluation-samples", "100", "--out", run.path,
      ])
      #expect(trained == 0, "\(trainOutput)")
      let cache = dir.appendingPathComponent("cache")
      let (status, output) = try runGraft(
        ["evaluate", run.path, "--inception-weights", weights.path, "--inception-samples", "6"],
        environment: ["GRAFT_CACHE_DIR": cache.path])
      #expect(status == 0, "\(output)")
      let eval = try #require(
        try JSONSerialization.jsonObject(with: Data(contentsOf: run.appendingPathComponent("eval.json")))
          as? [String: Any])
      let inception = try #require(eval["inception"] as? [String: Any], "\(eval.keys.sorted())")
      let fid = try #require(inception["fid"] as? Double)
      let score = try #require(inception["inceptionScore"] as? Double)
      #expect(fid.isFinite && fid > 0, "two steps of training cannot match the test set: \(fid)")
      #expect(score >= 1 && score <= 1008, "\(score)")
      #expect(inception["sampleCount"] as? Int == 6 && inception["referenceCount"] as? Int == 6)
      #expect(inception["inceptionScoreSplits"] as? Int == 6, "10 splits, or one per sample below 10")
      #expect(eval["fid"] is Double, "the classifier's metrics stay beside the Inception's")

      // The test images' features were cached with their pytorch-fid statistics, and are reused.
      let cached = try FileManager.default.contentsOfDirectory(atPath: cache.path).sorted()
      #expect(
        cached.count == 2 && cached.allSatisfy { $0.hasPrefix("inception-reference-fashion-mnist-6-") }, "\(cached)")
      let stats = try FeatureStatistics(
        contentsOf: cache.appendingPathComponent(cached.first { $0.hasSuffix(".npz") }!))
      #expect(stats.dimension == 2048)
      // Shift the cached features: a second evaluation that reads them (rather than recomputing) changes.
      let featuresFile = cache.appendingPathComponent(cached.first { $0.hasSuffix(".npy") }!)
      try NPY.write(try NPY.read(featuresFile, as: Float.self) + 1, to: featuresFile)
      let (again, againOutput) = try runGraft(
        ["evaluate", run.path, "--inception-weights", weights.path, "--inception-samples", "6"],
        environment: ["GRAFT_CACHE_DIR": cache.path])
      #expect(again == 0, "\(againOutput)")
      let second = try #require(
        try JSONSerialization.jsonObject(with: Data(contentsOf: run.appendingPathComponent("eval.json")))
          as? [String: Any])
      let secondFID = try #require((second["inception"] as? [String: Any])?["fid"] as? Double)
      #expect(abs(secondFID - fid) > 1, "the cached features were not reused: \(fid) then \(secondFID)")

      // `--inception` without a path: the weights from the cache, under pytorch-fid's published name.
      let published = InceptionWeights.publishedURL.lastPathComponent
      try FileManager.default.copyItem(at: weights, to: cache.appendingPathComponent(published))
      let (cachedStatus, cachedOutput) = try runGraft(
        ["evaluate", run.path, "--inception", "--inception-samples", "6"], environment: ["GRAFT_CACHE_DIR": cache.path])
      #expect(cachedStatus == 0, "\(cachedOutput)")
      let third = try #require(
        try JSONSerialization.jsonObject(with: Data(contentsOf: run.appendingPathComponent("eval.json")))
          as? [String: Any])
      #expect((third["inception"] as? [String: Any])?["fid"] as? Double == secondFID)
      #expect((third["inception"] as? [String: Any])?["weights"] as? String == cache.appendingPathComponent(published).path)

      // Not in the cache and no server: one line saying what was tried, where to put the file, the flag; the
      // eval.json already written stays.
      let empty = dir.appendingPathComponent("empty-cache")
      let (offline, offlineOutput) = try runGraft(
        ["evaluate", run.path, "--inception", "--inception-samples", "6"],
        environment: [
          "GRAFT_CACHE_DIR": empty.path, "GRAFT_INCEPTION_WEIGHTS_URL": "http://127.0.0.1:9/weights/\(published)",
        ])
      #expect(offline != 0)
      let errorLines = offlineOutput.split(separator: "\n").filter { $0.hasPrefix("Error:") || $0.hasPrefix("graft: error") }
      #expect(errorLines.count == 1, "\(offlineOutput)")
      #expect(offlineOutput.contains("could not download http://127.0.0.1:9/weights/\(published)"), "\(offlineOutput)")
      #expect(offlineOutput.contains(empty.path) && offlineOutput.contains("--inception-weights"), "\(offlineOutput)")
      #expect(
        (try JSONSerialization.jsonObject(with: Data(contentsOf: run.appendingPathComponent("eval.json")))
          as? [String: Any])?["inception"] != nil)
    }
  }
}
