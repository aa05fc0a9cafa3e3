import GraftIO
import Testing

@Suite("JSONValue: what the report reads from config.json, summary.json and metrics.jsonl")
struct JSONValueTests {
  @Test func lookupsFlatteningAndText() throws {
    let value = try JSONValue.parse(
      #"{"seed": 3, "lr": 1e-3, "name": "adam", "g": {"betas": [0.5, 0.999], "wd": 0}, "ok": true}"#.utf8)
    #expect(value["seed"]?.number == 3 && value["name"]?.string == "adam" && value["nope"] == nil)
    #expect(value.flattened().keys.sorted() == ["g.betas", "g.wd", "lr", "name", "ok", "seed"])
    #expect(value.numericLeaves() == ["g.wd": 0, "lr": 0.001, "seed": 3])
    #expect(value["g"]?.text == "{betas: [0.5, 0.999], wd: 0}")
    #expect(value["lr"]?.text == "0.001")
  }

  @Test func equalityIsByMeaning() throws {
    #expect(try JSONValue.parse(#"{"a": 1.0, "b": [true]}"#.utf8) == JSONValue.parse(#"{"b": [true], "a": 1}"#.utf8))
    #expect(JSONValue.number("1e2") == .number("100"))
    #expect(JSONValue.number("1") != .string("1"))
  }

  @Test func syntaxErrorsSayWhere() {
    #expect(throws: JSONSyntaxError.self) { try JSONValue.parse(#"{"a": 1,}"#.utf8) }
    do {
      _ = try JSONValue.parse(#"{"a": 1, "a": 2}"#.utf8)
      Issue.record("a duplicate key parsed")
    } catch {
      #expect(error.description == "duplicate key \"a\" at byte 9")
    }
  }
}
