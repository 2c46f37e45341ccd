import EmuCore

/// The document an `Azure-AsyncOperation` URL answers (CONTRACT.md §3):
/// `{"name","status","startTime"[,"endTime"][,"error"]}`.
public struct OperationStatus: Sendable, Equatable {
    public enum State: String, Sendable {
        case inProgress = "InProgress"
        case succeeded = "Succeeded"
        case failed = "Failed"
        case canceled = "Canceled"

        public var isTerminal: Bool { self != .inProgress }
    }

    public var name: String
    public var state: State
    public var startTime: Timestamp
    public var endTime: Timestamp?
    public var error: ARMError?

    public init(name: String, state: State, startTime: Timestamp, endTime: Timestamp? = nil, error: ARMError? = nil) {
        self.name = name
        self.state = state
        self.startTime = startTime
        self.endTime = endTime
        self.error = error
    }

    public var json: JSON {
        var o = JSONObject()
        o["name"] = .string(name)
        o["status"] = .string(state.rawValue)
        o["startTime"] = .string(startTime.iso8601)
        if let endTime, state.isTerminal { o["endTime"] = .string(endTime.iso8601) }
        if let error, state == .failed { o["error"] = error.errorObject }
        return .object(o)
    }
}
