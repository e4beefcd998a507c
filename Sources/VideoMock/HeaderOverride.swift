import HTTPServer
import Providers
import VideoMockCore

/// `X-VideoMock-Status: 503`, `X-VideoMock-Delay: 2s`, `X-VideoMock-Fault: reset|empty|truncate|stall`:
/// a misbehaviour asked for by the request itself, for a quick test with no scenario file. Real
/// clients never send these headers; `--no-header-overrides` ignores them.
enum HeaderOverride {
    static let status = "X-VideoMock-Status"
    static let delay = "X-VideoMock-Delay"
    static let fault = "X-VideoMock-Fault"
    /// The rule name the journal shows for a reply the headers shaped.
    static let ruleName = "X-VideoMock headers"

    /// The reply the headers ask for, laid over the scenario's (nil when they ask for nothing).
    static func reply(for request: HTTPRequest, over scripted: Reply?) throws(APIError) -> Reply? {
        let statusText = request.headers[.videoMockStatus], delayText = request.headers[.videoMockDelay]
        let faultText = request.headers[.videoMockFault]
        guard statusText != nil || delayText != nil || faultText != nil else { return nil }
        var reply = scripted ?? Reply()
        if let statusText {
            guard let code = Int(statusText.trimmingHTTPWhitespace()), (100...599).contains(code) else {
                throw invalid(status, "an HTTP status from 100 to 599", statusText)
            }
            reply.status = code
            reply.body = nil
        }
        if let delayText {
            guard let seconds = parseDuration(String(delayText.trimmingHTTPWhitespace())) else {
                throw invalid(delay, "a duration such as 250ms or 2s", delayText)
            }
            reply.delay = seconds
        }
        if let faultText {
            guard let chosen = ReplyFault(rawValue: String(faultText.trimmingHTTPWhitespace()).lowercased()) else {
                throw invalid(fault, ReplyFault.allCases.map(\.rawValue).joined(separator: ", "), faultText)
            }
            reply.fault = chosen
        }
        return reply
    }

    private static func invalid(_ header: String, _ allowed: String, _ given: String) -> APIError {
        APIError.invalid("\(header) must be \(allowed), got '\(given.prefix(60))'.", param: header, code: "invalid_header")
    }
}

/// The engine's words for a broken reply, carried out by the HTTP layer.
extension HTTPResponse.Fault {
    init(_ fault: ReplyFault) {
        switch fault {
        case .reset: self = .reset
        case .empty: self = .empty
        case .truncate: self = .truncate
        case .stall: self = .stall
        }
    }
}

extension HTTPResponse.Cut {
    init(_ cut: ReplyCut) {
        switch cut {
        case .bytes(let bytes): self = .bytes(bytes)
        case .fraction(let fraction): self = .fraction(fraction)
        }
    }
}
