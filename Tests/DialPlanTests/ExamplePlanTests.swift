import Foundation
import Testing
@testable import DialPlan

@Suite struct ExamplePlanTests {
    @Test(arguments: ["example.yaml", "office.yaml", "minimal.yaml"])
    func examplesValidateWithoutWarnings(name: String) throws {
        let plan = try Fixtures.example(name)
        #expect(plan.warnings.isEmpty, "\(plan.warnings)")
        #expect(!plan.routes.isEmpty)
    }

    @Test func theServiceDefaultPlanIsTheDoorScenario() throws {
        let plan = try Fixtures.example("example.yaml")
        #expect(plan.endpoints["front-door"]?.class == .door)
        #expect(plan.endpoints["front-door"]?.callLimit == 2, "a door defaults to a call limit of 2")
        #expect(plan.routes.first?.doorActions.map(\.digits) == ["1"])
    }

    /// The committed schema is exactly what the decoder's own tables generate: they cannot drift.
    @Test func committedSchemaMatchesTheDecoder() {
        let committed = Fixtures.text(Fixtures.repository.appendingPathComponent("dialplans/dialplan.schema.json"))
        #expect(committed == DialPlanSchema.jsonSchema(), "regenerate with `gatehouse check --print-schema > dialplans/dialplan.schema.json`")
    }

    /// Every key used in the examples is known to the schema, and the schema is valid JSON.
    @Test func schemaIsJSONAndCoversTheExamples() throws {
        let data = Data(DialPlanSchema.jsonSchema().utf8)
        let root = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        let properties = try #require(root["properties"] as? [String: Any])
        #expect(Set(properties.keys) == ["timezone", "policy", "endpoints", "trunks", "groups", "routes"])
        #expect(DialPlanSchema.route.keys.contains("on_dtmf_from_callee"))
        #expect(DialPlanSchema.endpoint.required == ["class", "auth"])
    }
}
