// A real HTTP/1.1 server on 127.0.0.1 (port chosen by the kernel), on POSIX sockets so the tests need
// nothing beyond Foundation on Linux and on Apple platforms. It records every request and answers
// the queued answers in order, the last one repeating, like the TypeScript and Python SDKs' fake
// control APIs. `.silent` reads the request and never answers (for the timeout).
import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

final class LoopbackServer: @unchecked Sendable {
    struct Request: Equatable {
        let method: String
        let target: String
        /// Lower-cased names.
        let headers: [String: String]
    }

    enum Answer {
        case json(Int, String)
        case silent
    }

    let port: UInt16
    var url: String { "http://127.0.0.1:\(port)" }

    private let listener: Int32
    private let lock = NSLock()
    private var recorded: [Request] = []
    private var answers: [Answer]
    private var unanswered: [Int32] = []
    private let acceptLoopEnded = DispatchSemaphore(value: 0)

    init(answers: [Answer]) throws {
        precondition(!answers.isEmpty)
        self.answers = answers
        listener = try openListener()
        port = try boundPort(listener)
        Thread { [self] in acceptLoop() }.start()
    }

    /// What was asked so far, in order.
    var requests: [Request] {
        lock.lock()
        defer { lock.unlock() }
        return recorded
    }

    /// Replaces the queued answers.
    func answer(_ next: Answer...) {
        precondition(!next.isEmpty)
        lock.lock()
        answers = next
        lock.unlock()
    }

    /// Stops listening and drops every connection left open; afterwards the port refuses connections.
    func stop() {
        shutdown(listener, Int32(SHUT_RDWR)) // wakes the blocked accept()
        acceptLoopEnded.wait()
        lock.lock()
        unanswered.forEach { _ = close($0) }
        unanswered = []
        lock.unlock()
    }

    private func acceptLoop() {
        while true {
            let fd = accept(listener, nil, nil)
            if fd < 0 { break }
            serve(fd)
        }
        _ = close(listener)
        acceptLoopEnded.signal()
    }

    private func serve(_ fd: Int32) {
        guard let request = readRequest(fd) else { _ = close(fd); return }
        lock.lock()
        recorded.append(request)
        let answer = answers.count > 1 ? answers.removeFirst() : answers[0]
        if case .silent = answer { unanswered.append(fd) }
        lock.unlock()
        guard case let .json(status, body) = answer else { return }
        let bytes = Array(body.utf8)
        let head = "HTTP/1.1 \(status) \(status < 300 ? "OK" : "Error")\r\nContent-Type: application/json\r\n"
            + "Content-Length: \(bytes.count)\r\nConnection: close\r\n\r\n"
        writeAll(fd, Array(head.utf8) + bytes)
        _ = close(fd)
    }

    /// Reads the request line and the headers (a GET has no body).
    private func readRequest(_ fd: Int32) -> Request? {
        var received: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        while !endsHead(received) {
            let n = recv(fd, &buffer, buffer.count, 0)
            if n <= 0 { return nil }
            received += buffer[0..<n]
        }
        let lines = String(decoding: received, as: UTF8.self).components(separatedBy: "\r\n")
        let requestLine = lines[0].split(separator: " ")
        guard requestLine.count == 3 else { return nil }
        var headers: [String: String] = [:]
        for line in lines.dropFirst() {
            guard let colon = line.firstIndex(of: ":") else { continue }
            headers[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        }
        return Request(method: String(requestLine[0]), target: String(requestLine[1]), headers: headers)
    }

    private func endsHead(_ bytes: [UInt8]) -> Bool {
        bytes.count >= 4 && Array(bytes.suffix(4)) == Array("\r\n\r\n".utf8)
    }

    private func writeAll(_ fd: Int32, _ bytes: [UInt8]) {
        var offset = 0
        while offset < bytes.count {
            let n = bytes[offset...].withUnsafeBytes { send(fd, $0.baseAddress, $0.count, noSignal) }
            if n <= 0 { return }
            offset += n
        }
    }
}

/// A URL on 127.0.0.1 where nothing listens: a port the kernel handed out, closed again.
func closedURL() throws -> String {
    let server = try LoopbackServer(answers: [.json(200, "{}")])
    server.stop()
    return server.url
}

struct SocketError: Error, CustomStringConvertible {
    let call: String
    let code = errno
    var description: String { "\(call) failed: errno \(code)" }
}

#if canImport(Glibc)
private let noSignal = Int32(MSG_NOSIGNAL) // a client gone away must not kill the test process
private let streamSocket = Int32(SOCK_STREAM.rawValue)
#else
private let noSignal: Int32 = 0 // Apple platforms: SO_NOSIGPIPE on the socket instead
private let streamSocket = SOCK_STREAM
#endif

private func openListener() throws -> Int32 {
    let fd = socket(AF_INET, streamSocket, 0)
    guard fd >= 0 else { throw SocketError(call: "socket") }
    #if canImport(Darwin)
    var on: Int32 = 1
    setsockopt(fd, SOL_SOCKET, SO_NOSIGPIPE, &on, socklen_t(MemoryLayout<Int32>.size))
    #endif
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_port = 0
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    let bound = withUnsafePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
    }
    guard bound == 0, listen(fd, 16) == 0 else {
        let error = SocketError(call: "bind/listen")
        _ = close(fd)
        throw error
    }
    return fd
}

private func boundPort(_ fd: Int32) throws -> UInt16 {
    var address = sockaddr_in()
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    let ok = withUnsafeMutablePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
    }
    guard ok == 0 else { throw SocketError(call: "getsockname") }
    return UInt16(bigEndian: address.sin_port)
}
