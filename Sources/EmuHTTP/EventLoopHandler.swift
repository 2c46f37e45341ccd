/// What an `EventLoop` drives: a listener or a connection, registered under a token and called on the loop's
/// thread only.
protocol EventLoopHandler: AnyObject {
    /// The descriptor became ready; `events` is the epoll mask (`Epoll.Mask`).
    func handle(events: UInt32)
    /// A deadline this handler scheduled has come (it may have asked for a later one since).
    func deadlinePassed(_ deadline: UInt64)
    /// The loop is stopping with this handler still registered: close now.
    func loopStopping()
}
