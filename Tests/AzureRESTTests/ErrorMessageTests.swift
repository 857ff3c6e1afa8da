import Foundation
import Testing

@testable import AzureREST

@Suite("Error messages and redaction")
struct ErrorMessageTests {
    let request = HTTPRequest(
        method: .get,
        url: URL(string: "https://management.azure.com/subscriptions/s/resourceGroups/rg?api-version=2021-04-01")!)

    @Test func turnsAnARMErrorBodyIntoOneLine() {
        let response = json(
            #"{"error":{"code":"ResourceGroupNotFound","message":"Resource group 'rg' could not be found.","details":[{"code":"Inner","message":"more"}]}}"#,
            status: 404, headers: ["x-ms-request-id": "req-123"])
        let error = AzureRESTError.fromResponse(response, request: request)
        #expect(error.code == "ResourceGroupNotFound")
        #expect(error.status == 404)
        #expect(error.requestID == "req-123")
        #expect(error.details == [AzureRESTError.Detail(code: "Inner", message: "more")])
        #expect(
            error.description
                == "ResourceGroupNotFound: Resource group 'rg' could not be found. [Inner: more] (HTTP 404, GET "
                + "https://management.azure.com/subscriptions/s/resourceGroups/rg?api-version=2021-04-01, request id req-123)"
        )
    }

    @Test func readsEntraIDErrorsAndKeepsOnlyTheFirstLine() {
        let body = #"""
            {"error":"invalid_client","error_description":"AADSTS7000215: Invalid client secret provided.\r\nTrace ID: t-1\r\nCorrelation ID: c-1","error_codes":[7000215],"trace_id":"t-1","correlation_id":"c-1"}
            """#
        let error = AzureRESTError.fromResponse(json(body, status: 401), request: request)
        #expect(error.code == "invalid_client")
        #expect(error.message.hasPrefix("AADSTS7000215: Invalid client secret provided."))
        #expect(!error.message.contains("Trace ID"))
        #expect(error.requestID == "t-1")
    }

    @Test func readsStorageXMLErrors() {
        let body =
            "\u{FEFF}<?xml version=\"1.0\" encoding=\"utf-8\"?><Error><Code>BlobNotFound</Code><Message>The specified blob does not exist.\nRequestId:r-9\nTime:2025</Message></Error>"
        let response = HTTPResponse(status: 404, headers: ["x-ms-error-code": "BlobNotFound"], body: Data(body.utf8))
        let error = AzureRESTError.fromResponse(response, request: request)
        #expect(error.code == "BlobNotFound")
        #expect(error.message == "The specified blob does not exist.")
    }

    @Test func fallsBackToTheStatusWhenThereIsNoBody() {
        let error = AzureRESTError.fromResponse(HTTPResponse(status: 502), request: request)
        #expect(error.code == "HTTP502")
        #expect(error.message.hasPrefix("Bad gateway."))
    }

    @Test func saysHowToFixAuthorizationFailures() {
        let error = AzureRESTError.fromResponse(
            armError(403, code: "AuthorizationFailed", message: "no access"), request: request)
        #expect(error.message.contains("Grant the signed-in identity a role"))
    }

    @Test func redactsJWTsBearerTokensAndSecrets() {
        let jwt = "eyJ0eXAiOiJKV1QifQ.eyJhdWQiOiJ4In0.c2lnbmF0dXJl"
        let opaque = "0.AXoAbc-def_ghi.jklmno"
        let text = Redaction.text("token \(jwt) header Bearer \(opaque) and secret s3cr3t!", secrets: ["s3cr3t!"])
        #expect(!text.contains(jwt))
        #expect(!text.contains(opaque))
        #expect(!text.contains("s3cr3t!"))
        #expect(text == "token REDACTED header Bearer REDACTED and secret REDACTED")
    }

    @Test func keepsTheWordBearerInOrdinaryMessages() {
        let message = "Authentication scheme Bearer is not supported in this version."
        #expect(Redaction.text(message) == message)
    }

    @Test func redactsSASSignaturesInURLs() {
        let url = URL(string: "https://sa.blob.core.windows.net/c/b.json?sv=2023-11-03&sig=abc%2Bdef&se=2025")!
        let text = Redaction.url(url)
        #expect(text == "https://sa.blob.core.windows.net/c/b.json?sv=2023-11-03&sig=REDACTED&se=2025")
    }

    @Test func neverPrintsATokenThatAServiceEchoes() {
        let jwt = "eyJ0eXAiOiJKV1QifQ.eyJhdWQiOiJ4In0.c2lnbmF0dXJl"
        let response = armError(401, code: "InvalidAuthenticationToken", message: "The token \(jwt) is invalid.")
        let error = AzureRESTError.fromResponse(response, request: request)
        #expect(!error.description.contains(jwt))
        #expect(!String(describing: AccessToken(token: jwt, expiresOn: Date())).contains(jwt))
    }
}
