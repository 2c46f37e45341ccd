import ARMKit
import EmuCore
import Testing

/// The CONTRACT.md §7 error table, as `ARMError` spells it.
@Suite("ARMError")
struct ARMErrorTests {
    @Test("envelope: code, message, then target and details only when present")
    func envelopeShape() {
        #expect(
            ARMError(status: 400, code: "C", message: "m").envelope.text == #"{"error":{"code":"C","message":"m"}}"#)
        #expect(
            ARMError(status: 400, code: "C", message: "m", target: "t").envelope.text
                == #"{"error":{"code":"C","message":"m","target":"t"}}"#)
        let nested = ARMError(
            status: 400, code: "C", message: "m",
            details: [
                ARMError(status: 400, code: "D", message: "n", details: [ARMError(status: 1, code: "E", message: "o")])
            ])
        #expect(
            nested.envelope.text
                == #"{"error":{"code":"C","message":"m","details":[{"code":"D","message":"n","#
                + #""details":[{"code":"E","message":"o"}]}]}}"#)
        #expect(nested.errorObject == nested.envelope["error"])
    }

    @Test("the CONTRACT.md messages, word for word")
    func messages() {
        #expect(ARMError.resourceGroupNotFound("rg1").status == 404)
        #expect(ARMError.resourceGroupNotFound("rg1").code == "ResourceGroupNotFound")
        #expect(ARMError.resourceGroupNotFound("rg1").message == "Resource group 'rg1' could not be found.")
        let nf = ARMError.resourceNotFound(
            type: "Microsoft.Compute/restorePointCollections", name: "rpc1", resourceGroup: "rg1")
        #expect(nf.status == 404)
        #expect(nf.code == "ResourceNotFound")
        #expect(
            nf.message
                == "The Resource 'Microsoft.Compute/restorePointCollections/rpc1' under resource group 'rg1' "
                + "was not found. For more details please go to https://aka.ms/ARMResourceNotFoundFix")
        #expect(ARMError.invalidParameter("bad", target: "excludeDisks").target == "excludeDisks")
        #expect(ARMError.invalidParameter("bad", target: "excludeDisks").status == 400)
        #expect(ARMError.operationNotAllowed("no").status == 409)
        #expect(ARMError.operationNotAllowed("no", status: 400).status == 400)
        #expect(ARMError.operationNotAllowed("no").code == "OperationNotAllowed")
        #expect(ARMError.internalError(requestID: "r-1").status == 500)
        #expect(ARMError.internalError(requestID: "r-1").message.contains("r-1"))
        #expect(
            ARMError.invalidAPIVersion("x", supported: ["b", "a"]).message
                == "The api-version 'x' is invalid. The supported versions are 'b,a'.")
    }
}
