// One HTTP exchange with a deadline on the whole of it. URLRequest.timeoutInterval is not one: it is
// an idle timeout on Apple platforms, and Linux's FoundationNetworking waits for the session's 60 s
// regardless. So the deadline is enforced here, and the data task cancelled when it passes.
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// `session.data(for:)` that fails with `URLError(.timedOut)` once `timeout` seconds have passed,
/// and with `CancellationError` when the calling task is cancelled.
func exchange(_ request: URLRequest, session: URLSession, timeout: TimeInterval) async throws -> (Data, URLResponse) {
    let pending = PendingExchange()
    return try await withTaskCancellationHandler {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<(Data, URLResponse), Error>) in
            let task = session.dataTask(with: request) { data, response, error in
                if let data, let response {
                    pending.finish(.success((data, response)))
                } else {
                    pending.finish(.failure(error ?? URLError(.badServerResponse)))
                }
            }
            guard pending.start(continuation, task: task) else { return }
            task.resume()
            DispatchQueue.global().asyncAfter(deadline: .now() + timeout) {
                pending.finish(.failure(URLError(.timedOut)))
            }
        }
    } onCancel: {
        pending.finish(.failure(CancellationError()))
    }
}

/// Resumes the continuation exactly once, with whichever of answer, deadline or cancellation comes
/// first, then cancels the data task (a no-op when it has completed).
private final class PendingExchange: @unchecked Sendable {
    private let lock = NSLock()
    private var continuation: CheckedContinuation<(Data, URLResponse), Error>?
    private var task: URLSessionDataTask?
    private var outcome: Result<(Data, URLResponse), Error>?

    /// Returns false when the exchange already finished (cancelled before it started).
    func start(_ continuation: CheckedContinuation<(Data, URLResponse), Error>, task: URLSessionDataTask) -> Bool {
        lock.lock()
        if let outcome {
            lock.unlock()
            continuation.resume(with: outcome)
            return false
        }
        self.continuation = continuation
        self.task = task
        lock.unlock()
        return true
    }

    func finish(_ result: Result<(Data, URLResponse), Error>) {
        lock.lock()
        guard outcome == nil else { return lock.unlock() }
        outcome = result
        let (continuation, task) = (self.continuation, self.task)
        self.continuation = nil
        self.task = nil
        lock.unlock()
        continuation?.resume(with: result)
        task?.cancel()
    }
}
