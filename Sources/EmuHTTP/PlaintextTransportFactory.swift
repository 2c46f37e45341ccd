/// Makes a `PlaintextTransport` per connection: the factory for plain HTTP listeners.
public struct PlaintextTransportFactory: TransportFactory {
    public init() {}

    public var isSecure: Bool { false }

    public func makeTransport() throws(TransportError) -> any ConnectionTransport { PlaintextTransport() }
}
