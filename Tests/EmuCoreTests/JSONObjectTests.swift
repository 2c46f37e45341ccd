import EmuCore
import Testing

/// Ordered members, unique keys, ARM's case-insensitive lookups.
@Suite struct JSONObjectTests {
    @Test func lookupPrefersExactThenFallsBackToCaseInsensitive() {
        let object = JSONObject([("properties", 1), ("Location", "westus")])
        #expect(object["properties"] == 1)
        #expect(object["Properties"] == 1)
        #expect(object["PROPERTIES"] == 1)
        #expect(object["location"] == "westus")
        #expect(object["Location"] == "westus")
        #expect(object["locations"] == nil)
        #expect(object["propertie"] == nil)
        #expect(object[""] == nil)
    }

    /// Names that differ only in case are separate members: an exact name finds its own member wherever it is,
    /// and any other spelling finds the first of them.
    @Test func anExactNameWinsOverAnEarlierNameInAnotherCase() {
        var object = JSONObject([("Name", 1), ("x", 0), ("name", 2)])
        #expect(object["name"] == 2)
        #expect(object["Name"] == 1)
        #expect(object["NAME"] == 1)
        object["name"] = 3
        #expect(object.keys == ["Name", "x", "name"])
        #expect(object["Name"] == 1 && object["name"] == 3)
    }

    @Test func lookupThroughJSONValue() throws {
        let json = try JSONParser.parse(#"{"Properties":{"provisioningState":"Succeeded"}}"#)
        #expect(json["properties"]?["ProvisioningState"] == "Succeeded")
    }

    @Test func setReplacesInPlaceKeepingPositionAndSpelling() {
        var object = JSONObject([("a", 1), ("Name", "x"), ("c", 3)])
        object["name"] = "y"
        #expect(object.keys == ["a", "Name", "c"])
        #expect(object["Name"] == "y")
        object["a"] = [1, 2]
        #expect(object.keys == ["a", "Name", "c"])
        #expect(object["a"] == [1, 2])
    }

    @Test func setAppendsNewKeysAtTheEnd() {
        var object = JSONObject()
        object["b"] = 1
        object["a"] = 2
        object["c"] = nil
        #expect(object.keys == ["b", "a"])
        #expect(object.count == 2)
        #expect(!object.isEmpty)
    }

    @Test func settingNilRemovesTheMember() {
        var object = JSONObject([("a", 1), ("b", 2), ("c", 3)])
        object["B"] = nil
        #expect(object.keys == ["a", "c"])
        object["a"] = nil
        object["c"] = nil
        #expect(object.isEmpty)
        object["missing"] = nil
        #expect(object.isEmpty)
    }

    @Test func settingJSONNullKeepsTheMember() {
        var object = JSONObject([("a", 1)])
        object["a"] = JSON.null
        #expect(object.keys == ["a"])
        #expect(object["a"] == .null)
        #expect(JSON.object(object).text == #"{"a":null}"#)
    }

    @Test func duplicateNamesKeepTheFirstPositionAndTheLastValue() throws {
        let exact = try JSONParser.parse(#"{"a":1,"b":2,"a":3}"#)
        #expect(exact.text == #"{"a":3,"b":2}"#)
        // Names that differ only in case are different members; lookups prefer the exact name.
        let cased = try JSONParser.parse(#"{"tag":1,"TAG":2}"#)
        #expect(cased.text == #"{"tag":1,"TAG":2}"#)
        #expect(cased["TAG"] == 2)
        #expect(cased["Tag"] == 1)
    }

    @Test func iteratesInOrder() {
        let object = JSONObject([("z", 1), ("y", 2), ("x", 3)])
        var seen: [String] = []
        for member in object { seen.append(member.key) }
        #expect(seen == ["z", "y", "x"])
        #expect(object.members.map(\.value) == [1, 2, 3])
    }

    @Test func equalityAndHashingAreOrderSensitive() {
        let ab = JSONObject([("a", 1), ("b", 2)])
        let ba = JSONObject([("b", 2), ("a", 1)])
        #expect(ab == JSONObject([("a", 1), ("b", 2)]))
        #expect(ab != ba)
        #expect(ab != JSONObject([("a", 1)]))
        #expect(ab != JSONObject([("a", 1), ("B", 2)]))
        #expect(ab.hashValue == JSONObject([("a", 1), ("b", 2)]).hashValue)
        let set: Set<JSON> = [.object(ab), .object(JSONObject([("a", 1), ("b", 2)])), .object(ba)]
        #expect(set.count == 2)
    }

    @Test func dictionaryLiteralsFollowTheSameRules() {
        let json: JSON = ["x": 1, "X": 2, "y": 3]
        #expect(json.text == #"{"x":1,"X":2,"y":3}"#)
    }
}
